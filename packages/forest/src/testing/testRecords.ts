import { encodeRecord, formatEpochMicros, type TracerMeta } from '@aitrace/format';

const T0 = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;

/** Builds encoded lines of a small trace for tests: `span('a', null, 0, 10)` etc. */
export function spanLines(traceId: string, spanId: string, name: string, parent: string | undefined, startMs: number, endMs: number | undefined, extra: Partial<TracerMeta> = {}): string[] {
  const base: Partial<TracerMeta> = { trace_id: traceId, span_id: spanId, name, ...(parent ? { parent_span_id: parent } : {}) };
  const lines = [
    encodeRecord({ ...base, timestamp: formatEpochMicros(T0 + startMs * 1000), event: `${name}.start`, type: 'span_start', provisional: true }, { phase: 'start', shared: 'start' }),
  ];
  if (endMs !== undefined) {
    lines.push(
      encodeRecord(
        { status: 'ok', ...base, ...extra, timestamp: formatEpochMicros(T0 + endMs * 1000), event: `${name}.end`, type: 'span_end', start_time: formatEpochMicros(T0 + startMs * 1000), duration_ms: endMs - startMs },
        { shared: 'end' },
      ),
    );
  }
  return lines;
}

/** One log line in a span. */
export function logLine(traceId: string | undefined, spanId: string | undefined, event: string, atMs: number): string {
  const meta: TracerMeta = { timestamp: formatEpochMicros(T0 + atMs * 1000), event, type: 'log', level: 'info' };
  if (traceId) meta.trace_id = traceId;
  if (spanId) meta.span_id = spanId;
  return encodeRecord(meta, { at: atMs });
}
