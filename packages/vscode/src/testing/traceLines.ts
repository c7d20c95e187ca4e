import { encodeRecord, formatEpochMicros, type TracerMeta } from '@aitrace/format';

/** The trace id the test lines use unless told otherwise. */
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const T0 = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;

/** A span for test lines: ids, name, parent, times in ms from a fixed start, and where it was written. */
export interface TestSpan {
  spanId: string;
  name: string;
  parent?: string;
  traceId?: string;
  startMs: number;
  file?: string;
  line?: number;
  pid?: number;
  service?: string;
  resource?: Record<string, unknown>;
  attrs?: Record<string, unknown>;
}

function common(span: TestSpan): Partial<TracerMeta> {
  const meta: Partial<TracerMeta> = { trace_id: span.traceId ?? TRACE_ID, span_id: span.spanId, name: span.name };
  if (span.parent !== undefined) meta.parent_span_id = span.parent;
  if (span.file !== undefined) meta.file = span.file;
  if (span.line !== undefined) meta.line = span.line;
  if (span.pid !== undefined) meta.pid = span.pid;
  if (span.service !== undefined) meta.service = span.service;
  if (span.resource !== undefined) meta.resource = span.resource;
  return meta;
}

const at = (ms: number): string => formatEpochMicros(T0 + ms * 1000);

/** The provisional start line of a span, with its newline. */
export function startLine(span: TestSpan): string {
  return `${encodeRecord({ ...common(span), timestamp: at(span.startMs), event: `${span.name}.start`, type: 'span_start', provisional: true }, span.attrs)}\n`;
}

/** The end line of a span, with its newline. */
export function endLine(span: TestSpan, endMs: number, status: 'ok' | 'error' = 'ok', message?: string): string {
  const meta: TracerMeta = {
    ...common(span),
    timestamp: at(endMs),
    event: `${span.name}.end`,
    type: 'span_end',
    status,
    start_time: at(span.startMs),
    duration_ms: endMs - span.startMs,
  };
  if (message !== undefined) meta.status_message = message;
  return `${encodeRecord(meta, span.attrs)}\n`;
}

/** A log line written inside a span, with its newline. */
export function logLine(span: TestSpan, event: string, atMs: number, level: 'info' | 'warn' | 'error', attrs: Record<string, unknown> = {}): string {
  return `${encodeRecord({ trace_id: span.traceId ?? TRACE_ID, span_id: span.spanId, timestamp: at(atMs), event, type: 'log', level }, attrs)}\n`;
}

/** A span event line (like `exception`), with its newline. */
export function eventLine(span: TestSpan, event: string, atMs: number, attrs: Record<string, unknown> = {}): string {
  return `${encodeRecord({ ...common(span), timestamp: at(atMs), event, type: 'span_event' }, attrs)}\n`;
}
