import { encodeRecord, type EncodeOptions } from './encodeRecord.js';
import { formatEpochMicros } from './timestamp.js';
import type { NormalizedRecord, TracerMeta } from './types.js';

/**
 * Rebuilds the v2 metadata of a normalized record (of any version): the metadata as written, with v2 field
 * names, the record type, span name and strict timestamps. Used to migrate v1 records without losing a field.
 */
export function toTracerMeta(record: NormalizedRecord): TracerMeta {
  const meta: TracerMeta = { ...record.meta, timestamp: formatEpochMicros(record.timeUs), event: record.event, type: record.type };
  delete meta.format_version;
  delete meta.compat;
  if (record.traceId !== undefined) meta.trace_id = record.traceId;
  if (record.spanId !== undefined) meta.span_id = record.spanId;
  if (record.parentSpanId !== undefined) meta.parent_span_id = record.parentSpanId;
  if (record.type !== 'log' && record.name !== undefined) meta.name = record.name;
  if (record.level !== undefined) meta.level = record.level;
  if (record.line !== undefined) meta.line = record.line;
  if (record.startTimeUs !== undefined) meta.start_time = formatEpochMicros(record.startTimeUs);
  if (record.durationMs !== undefined) meta.duration_ms = record.durationMs;
  if (record.type === 'span_start') meta.provisional = true;
  return meta;
}

/** Encodes a normalized record (of any version) as a current-format line. */
export function encodeNormalized(record: NormalizedRecord, options?: EncodeOptions): string {
  return encodeRecord(toTracerMeta(record), record.attrs, options);
}
