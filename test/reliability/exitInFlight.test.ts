import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figure, readTraceFile, runNode, scale, SEED, seededRandom, tempDir } from './support.js';

const writerApp = fileURLToPath(new URL('./apps/exit-inflight-writer.mjs', import.meta.url));
const appenderApp = fileURLToPath(new URL('./apps/steady-appender.mjs', import.meta.url));
const RUNS = scale(4, 30);

describe('a clean exit while an asynchronous write is in flight and another process appends to the file', () => {
  it(`writes every accepted record once, every line whole (${RUNS} exits, thread pool busy with pbkdf2)`, { timeout: scale(60_000, 600_000) }, async () => {
    const file = join(tempDir('exit-inflight'), 'shared.jsonl');
    const appender = runNode(appenderApp, [file]);
    await appender.ready;
    const random = seededRandom(SEED);
    const accepted = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      const name = `run${run}`;
      const exit = await runNode(writerApp, [file, String(1 + Math.floor(random() * 12)), name]).exited;
      expect(exit.code, exit.stderr).toBe(0);
      accepted.set(name, Number(exit.stdout.trim()));
    }
    appender.child.kill('SIGTERM');
    const appended = Number((await appender.exited).stdout.trim().split('\n').at(-1));

    const read = readTraceFile(file);
    const counts = new Map<string, number>();
    for (const { record } of read.records) {
      const key = `${record.attrs.writer as string}/${record.type}/${record.attrs.seq as number}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let missing = 0;
    for (const [name, spans] of [...accepted, ['appender', appended] as const]) {
      for (let seq = 0; seq < spans; seq++) for (const type of ['span_start', 'span_end']) if (!counts.has(`${name}/${type}/${seq}`)) missing++;
    }
    const twice = [...counts.values()].filter((count) => count > 1).length;
    const total = [...accepted.values()].reduce((a, b) => a + b, 0);
    figure(
      `exit with a write in flight: ${RUNS} exits, ${total * 2} records accepted by the exiting writers, ${appended * 2} by the appender; ${read.problems.length} bad lines, ${missing} missing, ${twice} twice`,
    );
    expect({ problems: read.problems.slice(0, 3), endsMidLine: read.endsMidLine, missing, twice }).toEqual({
      problems: [],
      endsMidLine: false,
      missing: 0,
      twice: 0,
    });
    expect(read.records).toHaveLength((total + appended) * 2);
  });
});
