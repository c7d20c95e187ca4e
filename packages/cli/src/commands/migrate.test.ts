import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { META_KEY, validateRecord } from '@aitrace/format';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrateCommand } from './migrate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../../test/fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aitrace-migrate-'));
let output: string[] = [];

beforeEach(() => {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((text: string) => void output.push(text));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

type Line = Record<string, unknown> & { [META_KEY]?: Record<string, unknown> };
const readLines = (path: string): Line[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
const problemsOf = (lines: Line[]) => lines.flatMap((line, i) => validateRecord(line).map((p) => `line ${i + 1}: ${p.field}: ${p.message}`));

describe('aitrace migrate on files of older writers', () => {
  it("completes the seed tracer's span ends from their starts, so every end says how long it took", async () => {
    const out = join(dir, 'seed.jsonl');
    expect(readLines(fixture('seed-default.jsonl')).find((line) => line[META_KEY]?.event === 'process_batch.end')?.[META_KEY]).not.toHaveProperty(
      'duration_ms',
    );
    expect(await migrateCommand([fixture('seed-default.jsonl'), out, '--force'])).toBe(0);
    const lines = readLines(out);
    expect(problemsOf(lines)).toEqual([]);
    const end = lines.find((line) => line[META_KEY]?.event === 'process_batch.end');
    expect(end?.[META_KEY]).toMatchObject({ type: 'span_end', name: 'process_batch', start_time: '2025-10-26T12:34:15.193415Z', duration_ms: 11.593 });
    expect(output.join('\n')).toContain('span ends completed from their starts: ');
  });

  it('marks an end whose start is not in the file start_unknown, which validates', async () => {
    const input = join(dir, 'end-only.jsonl');
    const out = join(dir, 'end-only.out.jsonl');
    writeFileSync(
      input,
      `${JSON.stringify({ [META_KEY]: { timestamp: '2025-10-26T12:34:15.205008Z', event: 'work.end', trace_id: 'be97f2fa26196196d1c776cef223b871', span_id: 'c33604c286773277' }, rows: 3 })}\n`,
    );
    expect(await migrateCommand([input, out])).toBe(0);
    const [end] = readLines(out);
    expect(end?.[META_KEY]).toMatchObject({ type: 'span_end', name: 'work', start_unknown: true });
    expect(end?.[META_KEY]).not.toHaveProperty('duration_ms');
    expect(end?.rows).toBe(3);
    expect(problemsOf([end!])).toEqual([]);
    expect(output.join('\n')).toContain('ends with no start in the file (start_unknown): 1');
  });

  it('any readable file of seed or v1 records migrates to a file that validates and keeps every user field', async () => {
    const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((id) => !/^0+$/.test(id));
    const userKey = fc
      .stringMatching(/^[a-z][a-z_]{0,8}$/)
      .filter(
        (key) =>
          ![
            'timestamp',
            'event',
            'type',
            'level',
            'kind',
            'status',
            'line',
            'file',
            'function',
            'scope',
            'service',
            'pid',
            'parent',
            'logger',
            'lineno',
            'filename',
          ].includes(key),
      );
    const userData = fc.dictionary(userKey, fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 })), { maxKeys: 4 });
    const span = fc.record({
      trace: hex(32),
      span: hex(16),
      name: fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6})?$/),
      startUs: fc.integer({ min: 0, max: 10 ** 9 }),
      durationUs: fc.integer({ min: 0, max: 10 ** 7 }),
      hasStart: fc.boolean(),
      v1: fc.boolean(),
      startData: userData,
      endData: userData,
    });
    const iso = (us: number) => new Date(Date.UTC(2025, 9, 26) + Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);
    await fc.assert(
      fc.asyncProperty(fc.array(span, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 1000 }), async (spans, seed) => {
        const lines: Line[] = [];
        for (const s of spans) {
          const ids = { trace_id: s.trace, span_id: s.span };
          const start = { timestamp: iso(s.startUs), event: `${s.name}.start`, ...ids, provisional: true };
          const end = { timestamp: iso(s.startUs + s.durationUs), event: `${s.name}.end`, ...ids };
          if (s.hasStart) lines.push(s.v1 ? { ...s.startData, ...start } : { ...s.startData, [META_KEY]: start });
          lines.push(s.v1 ? { ...s.endData, ...end } : { ...s.endData, [META_KEY]: end });
        }
        // Ends may come before their starts (several processes, one file).
        if (seed % 2 === 1) lines.reverse();
        const input = join(dir, `prop-${seed}.jsonl`);
        const out = join(dir, `prop-${seed}.out.jsonl`);
        writeFileSync(input, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
        expect(await migrateCommand([input, out, '--force'])).toBe(0);
        const migrated = readLines(out);
        expect(problemsOf(migrated)).toEqual([]);
        expect(migrated).toHaveLength(lines.length);
        for (const [i, line] of lines.entries()) {
          const { [META_KEY]: _meta, ...user } = line;
          const kept = Object.fromEntries(Object.entries(user).filter(([key]) => !['timestamp', 'event', 'trace_id', 'span_id', 'provisional'].includes(key)));
          expect(migrated[i]).toMatchObject(kept);
        }
        for (const s of spans) {
          const end = migrated.find(
            (line) => line[META_KEY]?.span_id === s.span && line[META_KEY]?.trace_id === s.trace && line[META_KEY]?.type === 'span_end',
          );
          if (s.hasStart && spans.filter((o) => o.span === s.span && o.trace === s.trace).length === 1)
            expect(end?.[META_KEY]?.duration_ms).toBeCloseTo(s.durationUs / 1000, 3);
        }
      }),
      { numRuns: 60 },
    );
  });
});
