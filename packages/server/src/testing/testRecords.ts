import { encodeRecord, formatEpochMicros, normalizeRecord, type NormalizedRecord, type StatusName, type TracerMeta } from '@aitrace/format';

/** Time zero of test traces, µs since the epoch (2025-10-26T12:00:00Z). */
export const T0_US = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;

/** A 32-hex trace id made from a number, for readable tests. */
export function traceIdOf(n: number): string {
  return n.toString(16).padStart(32, 'a');
}

/** A 16-hex span id made from a number. */
export function spanIdOf(n: number): string {
  return n.toString(16).padStart(16, 'b');
}

/** A span of a test trace; times are ms after T0. */
export interface TestSpan {
  trace: string;
  span: string;
  parent?: string;
  name: string;
  startMs: number;
  endMs?: number;
  status?: StatusName;
  service?: string;
  attrs?: Record<string, unknown>;
  endAttrs?: Record<string, unknown>;
}

function baseMeta(span: TestSpan): Partial<TracerMeta> {
  return {
    trace_id: span.trace,
    span_id: span.span,
    ...(span.parent !== undefined ? { parent_span_id: span.parent } : {}),
    name: span.name,
    ...(span.service !== undefined ? { service: span.service } : {}),
  };
}

/** The provisional start line of a test span. */
export function startLine(span: TestSpan): string {
  const at = formatEpochMicros(T0_US + span.startMs * 1000);
  return encodeRecord({ ...baseMeta(span), timestamp: at, event: `${span.name}.start`, type: 'span_start', kind: 'internal', provisional: true }, span.attrs ?? {});
}

/** The end line of a test span (its `endMs` is required). */
export function endLine(span: TestSpan): string {
  const endMs = span.endMs ?? span.startMs;
  return encodeRecord(
    {
      ...baseMeta(span),
      timestamp: formatEpochMicros(T0_US + endMs * 1000),
      event: `${span.name}.end`,
      type: 'span_end',
      kind: 'internal',
      status: span.status ?? 'ok',
      start_time: formatEpochMicros(T0_US + span.startMs * 1000),
      duration_ms: endMs - span.startMs,
    },
    span.endAttrs ?? span.attrs ?? {},
  );
}

/** Start and (when `endMs` is set) end lines of a span. */
export function spanLines(span: TestSpan): string[] {
  return span.endMs === undefined ? [startLine(span)] : [startLine(span), endLine(span)];
}

/** A log line, in a span when trace and span are given. */
export function logLine(event: string, atMs: number, options: { trace?: string; span?: string; attrs?: Record<string, unknown>; service?: string } = {}): string {
  const meta: TracerMeta = { timestamp: formatEpochMicros(T0_US + atMs * 1000), event, type: 'log', level: 'info' };
  if (options.trace !== undefined) meta.trace_id = options.trace;
  if (options.span !== undefined) meta.span_id = options.span;
  if (options.service !== undefined) meta.service = options.service;
  return encodeRecord(meta, options.attrs ?? {});
}

/** Normalizes an encoded line, failing loudly if it is not a record. */
export function normalized(line: string): NormalizedRecord {
  const result = normalizeRecord(JSON.parse(line));
  if (!result.ok) throw new Error(`not a record: ${JSON.stringify(result.problems)}`);
  return result.record;
}
