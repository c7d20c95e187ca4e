import { readFileSync } from 'node:fs';
import { normalizeRecord, type NormalizedRecord } from '@aitrace/format';

/** Reads a trace file strictly: every line must be complete JSON and a readable record. */
export function readTrace(path: string): NormalizedRecord[] {
  const text = readFileSync(path, 'utf8');
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${path}: the last line is not terminated (partial write)`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      const result = normalizeRecord(JSON.parse(line));
      if (!result.ok) throw new Error(`${path}:${i + 1}: ${JSON.stringify(result.problems)}`);
      return result.record;
    });
}

/** Span ids that have a start record but no end record. */
export function unendedSpans(records: NormalizedRecord[]): string[] {
  const ended = new Set(records.filter((r) => r.type === 'span_end').map((r) => r.spanId));
  return records.filter((r) => r.type === 'span_start' && !ended.has(r.spanId)).map((r) => r.spanId ?? '');
}
