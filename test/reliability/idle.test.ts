import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figure, runNode, tempDir } from './support.js';

const app = fileURLToPath(new URL('./apps/idle-writer.mjs', import.meta.url));
const WAIT_MS = 10_000;
// Far above the 100 ms flush interval (a loaded CI machine), far below the wait: a start that waits for the
// process to wake up again arrives only after WAIT_MS.
const DEADLINE_MS = 4_000;

/** Polls the file from this (observer) process until it holds a line containing `text`; returns the time taken. */
async function waitForLine(file: string, text: string, deadlineMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}

describe('a process that starts a span and then only waits', () => {
  for (const wait of ['timer', 'child', 'socket'] as const) {
    it(`writes the start record within the flush interval while it waits on a ${wait}, and keeps it after SIGKILL`, { timeout: 30_000 }, async () => {
      const file = join(tempDir('idle'), 'trace.jsonl');
      const child = runNode(app, [file, wait, String(WAIT_MS)]);
      await child.ready;
      const took = await waitForLine(file, '"llm.call.start"', DEADLINE_MS);
      figure(`idle wait on a ${wait}: start record on disk ${took ?? '>' + DEADLINE_MS} ms after "ready"`);
      expect(took, `the start record did not reach ${file} within ${DEADLINE_MS} ms of a ${WAIT_MS} ms ${wait} wait`).toBeDefined();

      child.child.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ __tracer_meta__: { event: 'llm.call.start', provisional: true } });
    });
  }

  it('exits as soon as its work is done: the writer keeps no finished process alive', { timeout: 30_000 }, async () => {
    const file = join(tempDir('idle'), 'trace.jsonl');
    const child = runNode(app, [file, 'timer', '50']);
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(0);
    const events = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line).__tracer_meta__.event);
    expect(events).toEqual(['llm.call.start', 'llm.call.end']);
  });
});
