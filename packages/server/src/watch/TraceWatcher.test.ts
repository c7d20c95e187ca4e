import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTraceStore } from '../store/SqliteTraceStore.js';
import { logLine, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { TraceWatcher } from './TraceWatcher.js';

describe('TraceWatcher', () => {
  let dir: string;
  let store: SqliteTraceStore;
  let problems: string[];
  const watchers: TraceWatcher[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-watch-'));
    store = new SqliteTraceStore({ path: join(dir, 'traces.db') });
    problems = [];
  });
  afterEach(async () => {
    for (const watcher of watchers.splice(0)) await watcher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function watch(paths: string[], maxLineLength?: number, failIngest: () => boolean = () => false): TraceWatcher {
    // Polling is driven by the test (poll()), so the timer interval is long.
    const watcher = new TraceWatcher({
      paths,
      ...(maxLineLength === undefined ? {} : { maxLineLength }),
      ingest: (records, cursor) => (failIngest() ? Promise.reject(new Error('database is locked')) : store.ingest(records, cursor)),
      savedCursor: (fileId) => store.getSourceCursor(fileId),
      intervalMs: 60_000,
      onProblem: (message) => problems.push(message),
    });
    watchers.push(watcher);
    return watcher;
  }

  const events = async (): Promise<string[]> => {
    const traces = (await store.listTraces({ limit: 1000 })).traces;
    const all: string[] = [];
    for (const trace of traces) for (const record of await store.getTraceRecords(trace.traceId)) all.push(record.event);
    return all.sort();
  };

  it('ingests a growing file line by line, waiting for a partial last line to complete', async () => {
    const file = join(dir, 'trace.jsonl');
    const trace = traceIdOf(1);
    writeFileSync(file, `${logLine('one', 1, { trace })}\n`);
    const watcher = watch([file]);
    await watcher.start();
    expect(await events()).toEqual(['one']);

    const two = logLine('two', 2, { trace });
    appendFileSync(file, `${two}\n${two.slice(0, 20)}`);
    await watcher.poll();
    expect(await events()).toEqual(['one', 'two']);
    expect(await store.countRows()).toBe(2);

    appendFileSync(file, `${two.slice(20)}\n`);
    await watcher.poll();
    expect(await events()).toEqual(['one', 'two', 'two']);
    expect(problems).toEqual([]);
  });

  it('resumes after a restart from the saved offset without duplicating records', async () => {
    const file = join(dir, 'trace.jsonl');
    const trace = traceIdOf(2);
    writeFileSync(file, `${logLine('a', 1, { trace })}\n${logLine('b', 2, { trace })}\n`);
    const first = watch([file]);
    await first.start();
    await first.close();
    appendFileSync(file, `${logLine('c', 3, { trace })}\n`);
    const second = watch([file]);
    await second.start();
    expect(await events()).toEqual(['a', 'b', 'c']);
  });

  it('follows rotation in a directory without reading the rotated file twice, and reads a truncated file again', async () => {
    const file = join(dir, 'trace.jsonl');
    const trace = traceIdOf(3);
    writeFileSync(file, `${logLine('before-rotation', 1, { trace })}\n`);
    const watcher = watch([dir]);
    await watcher.start();
    // The writer appends one more line, then rotates: trace.jsonl -> trace.1.jsonl, and starts a new file.
    appendFileSync(file, `${logLine('late-in-old-file', 2, { trace })}\n`);
    renameSync(file, join(dir, 'trace.1.jsonl'));
    writeFileSync(file, `${logLine('after-rotation', 3, { trace })}\n`);
    await watcher.poll();
    expect(await events()).toEqual(['after-rotation', 'before-rotation', 'late-in-old-file']);

    truncateSync(file, 0);
    writeFileSync(file, `${logLine('rewritten', 4, { trace })}\n`);
    await watcher.poll();
    expect(await events()).toEqual(['after-rotation', 'before-rotation', 'late-in-old-file', 'rewritten']);
    expect(problems.some((p) => /truncated; reading it again/.test(p))).toBe(true);
  });

  it('drains a single watched file rotated away, and skips bad lines with their line numbers', async () => {
    const file = join(dir, 'app.jsonl');
    const trace = traceIdOf(4);
    writeFileSync(file, [...spanLines({ trace, span: spanIdOf(1), name: 'work', startMs: 0 }), 'garbage'].join('\n') + '\n');
    const watcher = watch([file]);
    await watcher.start();
    expect(problems).toEqual([expect.stringMatching(/app\.jsonl:2: invalid JSON.*\(line skipped\)/)]);
    appendFileSync(file, `${logLine('last-words', 5, { trace })}\n{"unfinished`);
    renameSync(file, join(dir, 'app.old'));
    writeFileSync(file, '');
    await watcher.poll();
    expect(await events()).toEqual(['last-words', 'work.start']);
    expect(problems[1]).toMatch(/app\.jsonl:4: truncated line/);
  });

  it('skips a line longer than maxLineLength, reporting its number and length, and stores the records after it', async () => {
    const file = join(dir, 'trace.jsonl');
    const trace = traceIdOf(6);
    const long = logLine('long', 2, { trace, attrs: { blob: 'x'.repeat(300_000) } });
    writeFileSync(file, `${logLine('before', 1, { trace })}\n${long}\n${logLine('after', 3, { trace })}\n`);
    const watcher = watch([dir], 65_536);
    await watcher.start();
    expect(await events()).toEqual(['after', 'before']);
    expect(problems).toEqual([`${file}:2: line too long: ${long.length.toLocaleString('en-US')} bytes (the limit is 65,536) (line skipped)`]);

    // One still being written: streamed past as it grows, then the line after it is stored.
    appendFileSync(file, long.slice(0, 100_000));
    await watcher.poll();
    appendFileSync(file, long.slice(100_000));
    await watcher.poll();
    expect(problems).toHaveLength(1);
    appendFileSync(file, `\n${logLine('after-second', 5, { trace })}\n`);
    await watcher.poll();
    expect(await events()).toEqual(['after', 'after-second', 'before']);
    expect(problems[1]).toBe(`${file}:4: line too long: ${long.length.toLocaleString('en-US')} bytes (the limit is 65,536) (line skipped)`);
    expect(await store.countRows()).toBe(3);
  });

  it('keeps the last lines of a file rotated away while the store fails, and stores them once it recovers', async () => {
    const file = join(dir, 'app.jsonl');
    const trace = traceIdOf(7);
    writeFileSync(file, `${logLine('first', 1, { trace })}\n`);
    let failing = false;
    const watcher = watch([file], undefined, () => failing);
    await watcher.start();
    appendFileSync(file, `${logLine('last-words', 2, { trace })}\n`);
    renameSync(file, join(dir, 'app.old'));
    failing = true;
    await watcher.poll();
    expect(problems).toContainEqual(expect.stringMatching(/app\.jsonl: database is locked; will retry/));
    failing = false;
    await watcher.poll();
    expect(await events()).toEqual(['first', 'last-words']);
    await watcher.poll();
    expect(await store.countRows()).toBe(2);
  });

  it('waits for a path that does not exist yet', async () => {
    const file = join(dir, 'later.jsonl');
    const watcher = watch([file]);
    await watcher.start();
    expect(problems).toEqual([expect.stringMatching(/later\.jsonl: does not exist \(yet\); waiting/)]);
    writeFileSync(file, `${logLine('finally', 1, { trace: traceIdOf(5) })}\n`);
    await watcher.poll();
    expect(await events()).toEqual(['finally']);
  });
});
