import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
