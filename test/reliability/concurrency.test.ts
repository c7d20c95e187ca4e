import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTraceFile, runNode, scale, tempDir } from './support.js';

const app = fileURLToPath(new URL('./apps/concurrent-writer.mjs', import.meta.url));
const PROCESSES = 3;
const THREADS = 1;
// Records per writer (spans x 2): AITRACE_CONCURRENCY_RECORDS, else 4,000 in the normal run and 100,000 under test:stress.
const RECORDS = Number(process.env.AITRACE_CONCURRENCY_RECORDS ?? 0) || scale(4000, 100_000);

describe('concurrent appends to one file', () => {
  it(
    `keeps every record of ${PROCESSES} processes x ${THREADS + 1} threads (${RECORDS} records each), one whole record per line`,
    { timeout: RECORDS > 4000 ? 900_000 : 60_000 },
    async () => {
      const file = join(tempDir('concurrency'), 'shared.jsonl');
      // Half the processes write synchronously, half through the asynchronous queue: both paths share the file.
      const children = Array.from({ length: PROCESSES }, (_, i) => runNode(app, [file, String(RECORDS), String(THREADS), i % 2 === 0 ? 'async' : 'sync']));
      const exits = await Promise.all(children.map((c) => c.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, stdout: 'done\n' });

      const read = readTraceFile(file);
      expect(read.problems).toEqual([]);
      expect(read.endsMidLine).toBe(false);
      const writers = PROCESSES * (THREADS + 1);
      expect(read.lines).toBe(writers * RECORDS);
      expect(read.records).toHaveLength(writers * RECORDS);

      // Each writer's records are all there, once each, and in the order it wrote them.
      const next = new Map<string, { start: number; end: number }>();
      for (const { record } of read.records) {
        const writer = record.attrs.writer as string;
        const seq = record.attrs.seq as number;
        const seen = next.get(writer) ?? { start: 0, end: 0 };
        const key = record.type === 'span_start' ? 'start' : 'end';
        if (seq !== seen[key]) expect.fail(`${writer}: ${record.type} ${seq} came where ${seen[key]} was expected`);
        seen[key]++;
        next.set(writer, seen);
      }
      expect(next.size).toBe(writers);
      for (const [writer, seen] of next) expect({ writer, ...seen }).toEqual({ writer, start: RECORDS / 2, end: RECORDS / 2 });
    },
  );
});
