import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { rotatedPath } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { followFile, type FollowEvent } from './followFile.js';

describe('followFile', () => {
  it('yields appended bytes and rotations, and keeps one abort listener however long it polls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-follow-'));
    const path = join(dir, 'trace.jsonl');
    writeFileSync(path, 'a\n');
    const controller = new AbortController();
    const events: FollowEvent[] = [];
    let maxListeners = 0;
    const follow = (async () => {
      for await (const event of followFile(path, { intervalMs: 2, signal: controller.signal })) events.push(event);
    })();
    for (let i = 0; i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      maxListeners = Math.max(maxListeners, getEventListeners(controller.signal, 'abort').length);
      if (i === 10) appendFileSync(path, 'b\n');
      if (i === 20) {
        renameSync(path, join(dir, 'trace.1.jsonl'));
        writeFileSync(path, 'c\n');
      }
    }
    controller.abort();
    await follow;
    expect(maxListeners).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const text = events.map((e) => (e.type === 'data' ? e.chunk.toString() : `[${e.type}]`)).join('');
    expect(text).toBe('a\nb\n[reset]c\n');
  });

  /** Follows `path` in the background; `text()` shows data, and resets and skips in brackets. */
  function follow(path: string) {
    const controller = new AbortController();
    const events: FollowEvent[] = [];
    const done = (async () => {
      for await (const event of followFile(path, { intervalMs: 5, signal: controller.signal })) events.push(event);
    })();
    const text = (): string => events.map((e) => (e.type === 'data' ? e.chunk.toString() : e.type === 'reset' ? `[${basename(e.path)}]` : `[${e.type}${e.type === 'skipped' ? ` ${e.files}: ${e.message}` : ''}]`)).join('');
    return {
      text,
      async until(pattern: RegExp): Promise<void> {
        const deadline = Date.now() + 5000;
        while (!pattern.test(text()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(text()).toMatch(pattern);
      },
      async stop(): Promise<void> {
        controller.abort();
        await done;
      },
    };
  }

  /** Rotates like the writer (`trace.jsonl` -> `trace.1.jsonl` -> ...), keeping `maxFiles`, then writes `text` to a new file. */
  function rotate(path: string, maxFiles: number, text: string): void {
    rmSync(rotatedPath(path, maxFiles), { force: true });
    for (let n = maxFiles - 1; n >= 1; n--) {
      try {
        renameSync(rotatedPath(path, n), rotatedPath(path, n + 1));
      } catch {
        // not there yet
      }
    }
    renameSync(path, rotatedPath(path, 1));
    writeFileSync(path, text);
  }

  it('reads the rotated files it had not seen, in order, after the old file and before the new one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aitrace-follow-')), 'trace.jsonl');
    writeFileSync(path, 'a1\n');
    const follower = follow(path);
    await follower.until(/a1\n$/);
    // Three rotations between two polls (the test runs synchronously, so the follower cannot look in between).
    appendFileSync(path, 'a2\n');
    rotate(path, 5, 'b\n');
    rotate(path, 5, 'c\n');
    rotate(path, 5, 'd1\n');
    await follower.until(/d1\n$/);
    appendFileSync(path, 'd2\n');
    await follower.until(/d2\n$/);
    await follower.stop();
    expect(follower.text()).toBe('a1\na2\n[trace.2.jsonl]b\n[trace.1.jsonl]c\n[trace.jsonl]d1\nd2\n');
  });

  it('says how many rotated files were deleted before it could read them, and reads the rest', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aitrace-follow-')), 'trace.jsonl');
    writeFileSync(path, 'a\n');
    const follower = follow(path);
    await follower.until(/a\n$/);
    rotate(path, 9, 'b\n');
    rotate(path, 9, 'c\n');
    rotate(path, 9, 'd\n');
    rotate(path, 9, 'e\n');
    // A cleanup job removes two of the files the follower has not read: b (now trace.3) and d (trace.1).
    rmSync(rotatedPath(path, 3));
    rmSync(rotatedPath(path, 1));
    await follower.until(/e\n$/);
    await follower.stop();
    expect(follower.text()).toBe('a\n[skipped 2: 2 rotated files were deleted before they could be read; their records are not shown][trace.2.jsonl]c\n[trace.jsonl]e\n');
  });

  it('warns that records may be missing when the file it read was rotated past the last rotated file kept', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aitrace-follow-')), 'trace.jsonl');
    writeFileSync(path, 'a\n');
    const follower = follow(path);
    await follower.until(/a\n$/);
    // maxFiles 2: a is deleted by the third rotation, b by the fourth; c and d are kept.
    for (const next of ['b\n', 'c\n', 'd\n', 'e\n']) rotate(path, 2, next);
    await follower.until(/e\n$/);
    await follower.stop();
    expect(follower.text()).toMatch(/^a\n\[skipped undefined: the file was rotated faster than it was read, past the oldest rotated file kept \(.*trace\.2\.jsonl\); records written before that one may be missing\]\[trace\.2\.jsonl\]c\n\[trace\.1\.jsonl\]d\n\[trace\.jsonl\]e\n$/);
  });
});
