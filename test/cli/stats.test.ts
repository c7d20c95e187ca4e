import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'aitrace-stats-'));

/** A span end line, as OTLP-converted files hold them: no start record. */
function spanEnd(index: number, name: string, durationMs: number, status = 'ok'): string {
  const id = index.toString(16).padStart(16, '0');
  return `{"__tracer_meta__":{"format_version":2,"timestamp":"2025-10-26T12:00:00.000000Z","event":"${name}.end","type":"span_end","trace_id":"${id}${id}","span_id":"${id}","name":"${name}","status":"${status}","duration_ms":${durationMs}}}\n`;
}

interface StatsJson {
  spans: { name: string; count: number; errors: number; max_ms: number | null }[];
  other: { names: number | null; count: number; errors: number; max_ms: number | null } | null;
}

describe('aitrace stats on a file with very many span names', () => {
  it('lists 200,000 distinct names as the top names and one other row that sums the rest', () => {
    const file = join(tmp(), 'names.jsonl');
    const parts: string[] = [];
    let hot = 0;
    for (let index = 0; index < 200_000; index++) {
      parts.push(spanEnd(index, `GET /users/${index}`, 1, index % 10 === 0 ? 'error' : 'ok'));
      // A frequent name that first shows up late, after the table has filled, still gets its row.
      if (index >= 150_000 && index % 50 === 0) parts.push(spanEnd(1_000_000 + hot++, 'hot.path', 7));
    }
    writeFileSync(file, parts.join(''));

    const text = runCli(['stats', '--names', '10', '--top', '0', file]);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines[1]).toMatch(/^hot\.path\s+1000\s+0\s+0\s+7\.00ms\s+7\.00ms\s+7\.00ms$/);
    expect(lines.at(-1)).toMatch(/^\(other names\)\s+\d+\s+\d+\s+0\s/);

    const json = JSON.parse(runCli(['stats', '--json', file]).stdout) as StatsJson;
    expect(json.spans).toHaveLength(50);
    expect(json.spans[0]).toMatchObject({ name: 'hot.path', count: 1000 });
    let count = json.other!.count;
    let errors = json.other!.errors;
    for (const row of json.spans) {
      count += row.count;
      errors += row.errors;
    }
    // Every span is counted once: in its name's row or in the other row.
    expect({ count, errors }).toEqual({ count: 201_000, errors: 20_000 });
  }, 60_000);

  it('counts the names of the other row when every name fits in the table', () => {
    const file = join(tmp(), 'some.jsonl');
    writeFileSync(file, Array.from({ length: 30 }, (_, index) => spanEnd(index, `op.${index}`, index)).join(''));
    const json = JSON.parse(runCli(['stats', '--json', '--names', '20', file]).stdout) as StatsJson;
    expect(json.spans).toHaveLength(20);
    expect(json.other).toMatchObject({ names: 10, count: 10 });
    expect(runCli(['stats', '--names', '20', file]).stdout).toMatch(/\n\(10 other names\)\s+10\s+0\s+0\s/);
  });

  it('cuts a 200,000-character name to the column width instead of widening every row', () => {
    const file = join(tmp(), 'long.jsonl');
    const long = `very.long.${'x'.repeat(200_000)}`;
    writeFileSync(file, spanEnd(1, 'short', 3) + spanEnd(2, long, 4) + spanEnd(3, 'short', 5));
    const { code, stdout } = runCli(['stats', file]);
    expect(code).toBe(0);
    for (const line of stdout.trimEnd().split('\n')) expect(line.length).toBeLessThan(200);
    expect(stdout).toMatch(/^short {56}\s+2\s/m);
    expect(stdout).toMatch(/^very\.long\.x+… +1\s/m);
    // --json keeps the whole name.
    expect((JSON.parse(runCli(['stats', '--json', file]).stdout) as StatsJson).spans.map((row) => row.name)).toContain(long);
  });
});
