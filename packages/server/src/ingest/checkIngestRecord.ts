import type { NormalizedRecord } from '@aitrace/format';

/** Why the server cannot store a normalized record, or undefined when it can: span records need their ids. */
export function checkIngestRecord(record: NormalizedRecord): string | undefined {
  if (record.type === 'log') return undefined;
  const missing = [record.traceId === undefined ? 'trace_id' : '', record.spanId === undefined ? 'span_id' : ''].filter((f) => f !== '');
  if (missing.length === 0) return undefined;
  return `__tracer_meta__.${missing.join(' and __tracer_meta__.')} ${missing.length > 1 ? 'are' : 'is'} required on ${record.type} records`;
}
