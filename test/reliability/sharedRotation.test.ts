import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figure, readTraceFile, runNode, scale, tempDir } from './support.js';

const app = fileURLToPath(new URL('./apps/rotating-writer.mjs', import.meta.url));
const PROCESSES = 4;
// Records per process (spans x 2); small files, so the processes rotate over a hundred times, often at the same moment.
const RECORDS = scale(2000, 40_000);
const MAX_FILE_SIZE = scale(16, 256) * 1024;
// Enough rotated files to keep everything written, so every record can be counted.
const MAX_FILES = 2000;

/** The trace files of a rotation set, oldest first (`trace.N.jsonl` ... `trace.1.jsonl`, then `trace.jsonl`). */
function rotationSet(dir: string): string[] {
  const order = (name: string): number => (name === 'trace.jsonl' ? 0 : Number(/^trace\.(\d+)\.jsonl$/.exec(name)?.[1] ?? -1));
  return readdirSync(dir)
    .filter((name) => order(name) >= 0)
    .sort((a, b) => order(b) - order(a))
    .map((name) => join(dir, name));
}

describe('several processes rotating one trace file', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`${mode}: every record each process counted as written is in the files once, whole, in its order`, { timeout: scale(60_000, 600_000) }, async () => {
      const dir = tempDir('shared-rotation');
      const file = join(dir, 'trace.jsonl');
      const children = Array.from({ length: PROCESSES }, () => runNode(app, [file, String(RECORDS), mode, String(MAX_FILE_SIZE), String(MAX_FILES)]));
      const exits = await Promise.all(children.map((c) => c.exited));
      let written = 0;
      const stats = exits.map((exit) => {
        expect(exit.code, exit.stderr).toBe(0);
        return JSON.parse(exit.stdout) as { written: number; dropped: number; failedWrites: number };
      });
      for (const counts of stats) written += counts.written;

      const files = rotationSet(dir);
      expect(files.length).toBeLessThan(MAX_FILES);
      const seen = new Map<string, number>();
      let found = 0;
      let duplicates = 0;
      let outOfOrder = 0;
      let largest = 0;
      let longestLine = 0;
      const last = new Map<string, number>();
      for (const path of files) {
        largest = Math.max(largest, statSync(path).size);
        for (const line of readFileSync(path, 'utf8').split('\n')) longestLine = Math.max(longestLine, Buffer.byteLength(line) + 1);
        const read = readTraceFile(path);
        expect(read.problems, path).toEqual([]);
        expect(read.endsMidLine, path).toBe(false);
        found += read.records.length;
        // Read oldest file first, each process's records come in the order it wrote them.
        for (const { record } of read.records) {
          const key = `${record.attrs.writer as string}/${record.type}/${record.attrs.seq as number}`;
          const count = (seen.get(key) ?? 0) + 1;
          seen.set(key, count);
          if (count > 1) duplicates++;
          const stream = `${record.attrs.writer as string}/${record.type}`;
          if ((record.attrs.seq as number) !== (last.get(stream) ?? -1) + 1) outOfOrder++;
          last.set(stream, record.attrs.seq as number);
        }
      }
      const missing = PROCESSES * RECORDS - seen.size;
      figure(
        `shared rotation, ${mode}: ${PROCESSES} processes, ${written} records counted written, ${found} found in ${files.length} files (${missing} missing, ${duplicates} twice, ${outOfOrder} out of order), largest file ${largest} bytes (limit ${MAX_FILE_SIZE})`,
      );
      expect({ found, missing, duplicates, outOfOrder }).toEqual({ found: written, missing: 0, duplicates: 0, outOfOrder: 0 });
      for (const [i, exit] of exits.entries()) {
        expect(exit.stderr).toBe('');
        expect(stats[i]).toMatchObject({ written: RECORDS, dropped: 0, failedWrites: 0 });
      }
      expect(last.size).toBe(PROCESSES * 2);
      // Others may append between one process's size check and its write: in async mode one part each (a sixteenth
      // of the limit, at least 4 KiB), in sync mode the up to 16 lines each writes between two checks.
      const bound = mode === 'async' ? MAX_FILE_SIZE + (PROCESSES - 1) * Math.max(MAX_FILE_SIZE / 16, 4096) : MAX_FILE_SIZE + PROCESSES * 16 * longestLine;
      expect(largest).toBeLessThanOrEqual(bound);
    });
  }
});
