import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { rotatedPath } from '@aitrace/format';
import { jsonl, logLine, ManualClock } from '@aitrace/testing';
import { describe, expect, it } from 'vitest';
import { ROTATION_GAP_MS, type FollowEvent } from './FileFollower.js';
import { followFile, type FollowOptions } from './followFile.js';

/** Lines of log records named `names`, as a file's text. */
const lines = (...names: string[]): string => jsonl(names.map((name, i) => logLine(name, i)));

/** The events as text: record names, `[file]` where a new sequence starts, other events in brackets. */
function eventText(events: readonly FollowEvent[]): string {
  return events
    .map((e) => {
      if (e.type === 'lines') {
        const items = [
          ...e.records.map(({ line, record }) => ({ line, text: `${record.event} ` })),
          ...e.problems.map((p) => ({ line: p.line, text: `!${p.line}:${p.message} ` })),
        ];
        return items
          .sort((a, b) => a.line - b.line)
          .map((item) => item.text)
          .join('');
      }
      if (e.type === 'reset') return `[${e.reason === 'truncated' ? 'truncated ' : ''}${basename(e.path)}]`;
      return `[${e.type}${e.type === 'skipped' ? ` ${e.files}: ${e.message}` : ''}]`;
    })
    .join('');
}

const INTERVAL = 100;

/** Follows `path` on a clock moved by hand: `tick()` lets one interval pass and the look after it finish. */
async function follow(path: string, options: FollowOptions = {}) {
  const clock = new ManualClock();
  const controller = new AbortController();
  const events: FollowEvent[] = [];
  const done = (async () => {
    for await (const look of followFile(path, { intervalMs: INTERVAL, clock, signal: controller.signal, ...options })) events.push(...look.events);
  })();
  await clock.sleeping();
  return {
    events,
    text: () => eventText(events),
    tick: (ms = INTERVAL) => clock.advance(ms),
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

const tracePath = (): string => join(mkdtempSync(join(tmpdir(), 'aitrace-follow-')), 'trace.jsonl');

describe('followFile', () => {
  it('yields appended lines and rotations on real timers, and keeps one abort listener however long it polls', async () => {
    const path = tracePath();
    writeFileSync(path, lines('a'));
    const controller = new AbortController();
    const events: FollowEvent[] = [];
    let maxListeners = 0;
    const follow = (async () => {
      for await (const look of followFile(path, { intervalMs: 2, signal: controller.signal })) {
        events.push(...look.events);
        maxListeners = Math.max(maxListeners, getEventListeners(controller.signal, 'abort').length);
      }
    })();
    const until = async (pattern: RegExp): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(eventText(events)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    };
    await until(/a $/);
    appendFileSync(path, lines('b'));
    await until(/b $/);
    rotate(path, 3, lines('c'));
    await until(/c $/);
    controller.abort();
    await follow;
    expect(maxListeners).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(eventText(events)).toBe('a b [trace.jsonl]c ');
  });

  it('reads the rotated files it had not seen, in order, after the old file and before the new one', async () => {
    const path = tracePath();
    writeFileSync(path, lines('a1'));
    const follower = await follow(path);
    // Three rotations between two looks.
    appendFileSync(path, lines('a2'));
    rotate(path, 5, lines('b'));
    rotate(path, 5, lines('c'));
    rotate(path, 5, lines('d1'));
    await follower.tick();
    appendFileSync(path, lines('d2'));
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toBe('a1 a2 [trace.2.jsonl]b [trace.1.jsonl]c [trace.jsonl]d1 d2 ');
  });

  it('says how many rotated files were deleted before it could read them, and reads the rest', async () => {
    const path = tracePath();
    writeFileSync(path, lines('a'));
    const follower = await follow(path);
    for (const next of ['b', 'c', 'd', 'e']) rotate(path, 9, lines(next));
    // A cleanup job removes two of the files the follower has not read: b (now trace.3) and d (trace.1).
    rmSync(rotatedPath(path, 3));
    rmSync(rotatedPath(path, 1));
    // The look waits (on the clock) to see that the gaps stay.
    await follower.tick(1000);
    await follower.stop();
    expect(follower.text()).toBe(
      'a [skipped 2: 2 rotated files were deleted before they could be read; their records are not shown][trace.2.jsonl]c [trace.jsonl]e ',
    );
  });

  it('warns that records may be missing when the file it read was rotated past the last rotated file kept', async () => {
    const path = tracePath();
    writeFileSync(path, lines('a'));
    const follower = await follow(path);
    // maxFiles 2: a is deleted by the third rotation, b by the fourth; c and d are kept.
    for (const next of ['b', 'c', 'd', 'e']) rotate(path, 2, lines(next));
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toMatch(
      /^a \[skipped undefined: the file was rotated faster than it was read, past the oldest rotated file kept \(.*trace\.2\.jsonl\); records written before that one may be missing\]\[trace\.2\.jsonl\]c \[trace\.1\.jsonl\]d \[trace\.jsonl\]e $/,
    );
  });

  it('reads a truncated file again from its start, with line numbers from 1', async () => {
    const path = tracePath();
    writeFileSync(path, lines('a', 'b', 'c'));
    const follower = await follow(path);
    truncateSync(path, 0);
    writeFileSync(path, `${lines('x')}not json\n`);
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toMatch(/^a b c \[truncated trace\.jsonl\]x !2:invalid JSON/);
    const last = follower.events.at(-1);
    expect(last?.type === 'lines' && last.position).toMatchObject({ offset: lines('x').length + 'not json\n'.length, line: 3 });
  });

  it('holds a partial last line until its newline arrives, reading its bytes once', async () => {
    const path = tracePath();
    const line = logLine('whole', 1);
    writeFileSync(path, `${lines('first')}${line.slice(0, 30)}`);
    const follower = await follow(path);
    expect(follower.text()).toBe('first ');
    appendFileSync(path, line.slice(30, 60));
    await follower.tick();
    expect(follower.text()).toBe('first ');
    appendFileSync(path, `${line.slice(60)}\n`);
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toBe('first whole ');
    const last = follower.events.at(-1);
    expect(last?.type === 'lines' && last.position).toMatchObject({ offset: lines('first').length + line.length + 1, line: 3 });
  });

  it('waits for a file that appears after it starts, saying once that it is missing', async () => {
    const path = tracePath();
    const follower = await follow(path);
    await follower.tick();
    expect(follower.text()).toBe('[missing]');
    writeFileSync(path, lines('late'));
    await follower.tick();
    appendFileSync(path, lines('later'));
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toBe('[missing]late later ');
  });

  it('says nothing while a rotation leaves the path missing for less than ROTATION_GAP_MS, then once that it is missing', async () => {
    const path = tracePath();
    writeFileSync(path, lines('before'));
    const follower = await follow(path);
    // The writer renamed the file away and has not made the new one yet (a busy machine).
    renameSync(path, rotatedPath(path, 1));
    for (let waited = 0; waited + INTERVAL < ROTATION_GAP_MS; waited += INTERVAL) await follower.tick();
    expect(follower.text()).toBe('before ');
    await follower.tick();
    await follower.tick();
    expect(follower.text()).toBe('before [missing]');
    writeFileSync(path, lines('after'));
    await follower.tick();
    await follower.stop();
    expect(follower.text()).toBe('before [missing][trace.jsonl]after ');
  });

  it('resumes from a saved position only when the file still has the same head (an inode reused by another file does not)', async () => {
    const path = tracePath();
    writeFileSync(path, lines('one', 'two'));
    const first = await follow(path);
    const saved = first.events.at(-1);
    await first.stop();
    if (saved?.type !== 'lines') throw new Error('no lines read');
    appendFileSync(path, lines('three'));
    const resumed = await follow(path, { start: saved.position });
    await resumed.stop();
    expect(resumed.text()).toBe('three ');
    const three = resumed.events[0];
    expect(three?.type === 'lines' && three.records[0]?.line).toBe(3);

    // The file is deleted and a new one made; file systems such as ext4 give it the freed inode, so a position
    // saved by identity is offered for other content: its head does not match, so it is read from the start.
    rmSync(path);
    writeFileSync(path, lines('other', 'file', 'longer', 'than before'));
    const replaced = await follow(path, { start: saved.position });
    await replaced.stop();
    expect(replaced.text()).toBe('other file longer than before ');
  });

  it('skips a line longer than maxLineLength with its number, and reads the lines after it', async () => {
    const path = tracePath();
    writeFileSync(path, jsonl(logLine('short', 1), logLine('long', 2, { attrs: { blob: 'x'.repeat(5000) } }), logLine('after', 3)));
    const follower = await follow(path, { maxLineLength: 1000 });
    await follower.stop();
    expect(follower.text()).toMatch(/^short !2:line too long: 5,\d+ bytes \(the limit is 1,000\) after $/);
  });

  it('reads a backlog larger than one poll in bounded batches, without waiting between them', async () => {
    const path = tracePath();
    const names = Array.from({ length: 200 }, (_, i) => `r${i}`);
    writeFileSync(path, lines(...names));
    const follower = await follow(path, { maxBytesPerPoll: 4096 });
    await follower.stop();
    expect(follower.events.filter((e) => e.type === 'lines').length).toBeGreaterThan(5);
    expect(follower.text()).toBe(names.map((name) => `${name} `).join(''));
  });
});
