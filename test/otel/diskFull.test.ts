import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrace } from './traceFile.js';

const app = fileURLToPath(new URL('./apps/file-limit-app.mjs', import.meta.url));
const splitApp = fileURLToPath(new URL('./apps/rotate-limit-app.mjs', import.meta.url));
// `ulimit -f` in sh counts 512-byte blocks: writes past 4096 bytes fail with EFBIG after a partial write, as on a full disk.
const LIMIT_BYTES = 8 * 512;

describe.skipIf(process.platform === 'win32')('a trace file that cannot grow (file size limit, like a full disk)', () => {
  for (const mode of ['async', 'sync']) {
    it(`reports the error, keeps the app running and leaves only whole lines (${mode})`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'aitrace-full-')), 'trace.jsonl');
      const result = spawnSync('sh', ['-c', `ulimit -f 8; exec "${process.execPath}" "${app}" "${file}" ${mode}`], { encoding: 'utf8', timeout: 30_000 });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('EFBIG');
      expect(result.stderr).toContain(file);
      const stats = JSON.parse(result.stdout) as { written: number; dropped: number; queued: number };
      expect(stats.dropped + stats.queued).toBeGreaterThan(0);

      expect(statSync(file).size).toBeLessThanOrEqual(LIMIT_BYTES);
      // readTrace rejects a last line without its newline and any line that is not a whole record.
      const records = readTrace(file);
      expect(records.length).toBeGreaterThan(0);
      expect(records.length).toBe(stats.written);
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    });
  }

  it('retries only the lines a batch split by a rotation did not write, so nothing is written twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-split-'));
    const file = join(dir, 'trace.jsonl');
    const result = spawnSync('sh', ['-c', `ulimit -f 8; exec "${process.execPath}" "${splitApp}" "${file}"`], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('EFBIG');
    const stats = JSON.parse(result.stdout) as { written: number; failedWrites: number; queued: number };

    const seen = new Map<string, number>();
    for (const name of readdirSync(dir)) {
      expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(2000);
      for (const record of readTrace(join(dir, name)))
        seen.set(`${record.type} ${record.attrs.i as number}`, (seen.get(`${record.type} ${record.attrs.i as number}`) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, count]) => count > 1).map(([key]) => key);
    expect(twice).toEqual([]);
    // The lines before the one that cannot be written landed in rotated files; it and the lines after it wait.
    expect(stats.failedWrites).toBeGreaterThan(1);
    expect({ written: stats.written, queued: stats.queued, found: seen.size }).toEqual({ written: 40, queued: 10, found: 40 });
  });
});
