import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { landedPrefix } from './InFlightWrite.js';

/** Opens a file holding `text` for reading, as the exit path does. */
function fileWith(text: string): number {
  const path = join(mkdtempSync(join(tmpdir(), 'aitrace-inflight-')), 'trace.jsonl');
  writeFileSync(path, text);
  return openSync(path, 'r+');
}

describe('landedPrefix', () => {
  const ours = Buffer.from('{"ours":1}\n{"ours":2}\n');
  const before = '{"old":0}\n';

  it("finds the write whole wherever other processes' lines put it, and not in the bytes before it was issued", () => {
    const cases: [string, number][] = [
      [`${before}{"ours":1}\n{"ours":2}\n`, ours.length],
      [`${before}{"other":1}\n{"ours":1}\n{"ours":2}\n{"other":2}\n`, ours.length],
      [`${before}{"other":1}\n`, 0],
    ];
    for (const [text, expected] of cases) {
      const fd = fileWith(text);
      expect(landedPrefix(fd, before.length, ours), text).toBe(expected);
      closeSync(fd);
    }
    // The same bytes written earlier, before the write was issued, do not count.
    const fd = fileWith(`{"ours":1}\n{"ours":2}\n`);
    expect(landedPrefix(fd, ours.length, ours)).toBe(0);
    closeSync(fd);
  });

  it('finds the part of a write still being copied (or cut by an error) at the end of the file, from a line start', () => {
    for (const [text, expected] of [
      [`${before}{"other":1}\n{"ours":1}\n{"ou`, '{"ours":1}\n{"ou'.length],
      [`${before}{"ou`, 4],
      // Not at a line start: another record that happens to end the same way.
      [`${before}{"x":"{"ou`, 0],
    ] as const) {
      const fd = fileWith(text);
      expect(landedPrefix(fd, before.length, ours), text).toBe(expected);
      closeSync(fd);
    }
  });
});
