import {
  encodeRecord,
  formatEpochMicros,
  normalizeRecord,
  type LevelName,
  type NormalizedRecord,
  type SpanKindName,
  type StatusName,
  type TracerMeta,
} from '@aitrace/format';

/** Time zero of test traces, µs since the epoch (2025-10-26T12:00:00Z). */
export const T0_US = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;

/** The trace id test records get unless told otherwise. */
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A 32-hex trace id made from a number, for readable tests: `a` and the number in hex, zero-padded (distinct numbers, distinct ids). */
export function traceIdOf(n: number): string {
  return `a${n.toString(16).padStart(31, '0')}`;
}

/** A 16-hex span id made from a number: `b` and the number in hex, zero-padded (distinct numbers, distinct ids). */
export function spanIdOf(n: number): string {
  return `b${n.toString(16).padStart(15, '0')}`;
}

/** A span of a test trace: ids as hex, times in ms after T0; what is left out is left out of the records. */
export interface TestSpan {
  /** Trace id (default `TRACE_ID`). */
  trace?: string | undefined;
  span: string;
  parent?: string | undefined;
  name: string;
  startMs: number;
  /** When it ended; without it `spanLines` gives only the start line. */
  endMs?: number | undefined;
  status?: StatusName;
  statusMessage?: string;
  kind?: SpanKindName;
  service?: string;
  pid?: number;
  file?: string;
  line?: number;
  resource?: Record<string, unknown>;
  /** Attributes of both records (of the start record only when `endAttrs` is given). */
  attrs?: Record<string, unknown>;
  endAttrs?: Record<string, unknown>;
}

/** Options of a test log line. */
export interface TestLog {
  /** Written inside this span: its trace (default `TRACE_ID`) and span ids, unless `trace` or `span` say otherwise. */
  in?: TestSpan;
  trace?: string | undefined;
  span?: string | undefined;
  level?: LevelName;
  service?: string;
  attrs?: Record<string, unknown>;
}

const at = (ms: number): string => formatEpochMicros(T0_US + ms * 1000);

function spanMeta(span: TestSpan): Partial<TracerMeta> {
  const meta: Partial<TracerMeta> = { trace_id: span.trace ?? TRACE_ID, span_id: span.span, name: span.name };
  if (span.parent !== undefined) meta.parent_span_id = span.parent;
  if (span.kind !== undefined) meta.kind = span.kind;
  if (span.service !== undefined) meta.service = span.service;
  if (span.pid !== undefined) meta.pid = span.pid;
  if (span.file !== undefined) meta.file = span.file;
  if (span.line !== undefined) meta.line = span.line;
  if (span.resource !== undefined) meta.resource = span.resource;
  return meta;
}

/** The provisional start line of a test span (no newline). */
export function startLine(span: TestSpan): string {
  return encodeRecord({ ...spanMeta(span), timestamp: at(span.startMs), event: `${span.name}.start`, type: 'span_start', provisional: true }, span.attrs ?? {});
}

/** The end line of a test span (at `endMs`, or at its start when it has none; no newline). */
export function endLine(span: TestSpan): string {
  const endMs = span.endMs ?? span.startMs;
  const meta: TracerMeta = {
    ...spanMeta(span),
    timestamp: at(endMs),
    event: `${span.name}.end`,
    type: 'span_end',
    status: span.status ?? 'ok',
    start_time: at(span.startMs),
    duration_ms: endMs - span.startMs,
  };
  if (span.statusMessage !== undefined) meta.status_message = span.statusMessage;
  return encodeRecord(meta, span.endAttrs ?? span.attrs ?? {});
}

/** Start and (when `endMs` is set) end lines of a test span. */
export function spanLines(span: TestSpan): string[] {
  return span.endMs === undefined ? [startLine(span)] : [startLine(span), endLine(span)];
}

/** A span event line (like `exception`) of a test span (no newline). */
export function eventLine(span: TestSpan, event: string, atMs: number, attrs: Record<string, unknown> = {}): string {
  return encodeRecord({ ...spanMeta(span), timestamp: at(atMs), event, type: 'span_event' }, attrs);
}

/** A log line (level `info` unless told), in a span when given one (`in`, or trace and span ids; no newline). */
export function logLine(event: string, atMs: number, options: TestLog = {}): string {
  const meta: TracerMeta = { timestamp: at(atMs), event, type: 'log', level: options.level ?? 'info' };
  const trace = options.trace ?? (options.in === undefined ? undefined : (options.in.trace ?? TRACE_ID));
  const span = options.span ?? options.in?.span;
  if (trace !== undefined) meta.trace_id = trace;
  if (span !== undefined) meta.span_id = span;
  if (options.service !== undefined) meta.service = options.service;
  return encodeRecord(meta, options.attrs ?? {});
}

/** Lines as a JSONL text, each ended by a newline. */
export function jsonl(...lines: (string | string[])[]): string {
  return lines
    .flat()
    .map((line) => `${line}\n`)
    .join('');
}

/** Normalizes an encoded line, failing loudly if it is not a record. */
export function normalized(line: string): NormalizedRecord {
  const result = normalizeRecord(JSON.parse(line));
  if (!result.ok) throw new Error(`not a record: ${JSON.stringify(result.problems)}`);
  return result.record;
}
