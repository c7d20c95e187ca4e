/**
 * The record -> OTLP mapping, the reverse of the receiver's OTLP -> record mapping (otlpTracesToRecords,
 * otlpLogsToRecords): a span's records become one OTLP Span, a log record one OTLP LogRecord, and the
 * metadata that OTLP keeps elsewhere goes back there (service and pid to the resource, scope to the scope,
 * the call site to the `code.*` attributes).
 */

import { severityFromLevel } from '../levels.js';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../enumerations.js';
import type { NormalizedRecord, SpanKindName, StatusName } from '../types.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from './otlpJsonTypes.js';

/**
 * Set (to `true`) on a span that has a start but no end in the file: it was still running when the file was
 * read, or its process died (TRACE_RECORD.md calls it cut off). Its end time is the last time seen in its trace.
 */
export const CUT_OFF_ATTRIBUTE = 'aitrace.span.cut_off';

/** The OTLP SpanKind number of a record kind: the API's number plus one (OTLP's 0 is unspecified). */
const otlpKind = (kind: SpanKindName): number => SPAN_KIND_NAMES.indexOf(kind) + 1;

/** The OTLP StatusCode number of a record status (the same numbers as the API's). */
const otlpStatus = (status: StatusName): number => STATUS_CODE_NAMES.indexOf(status);

// Deeper values cannot come from a record (encodeRecord cuts them); the cap only guards the stack.
const MAX_DEPTH = 128;

/** A span's records as one file holds them: its start and end (either may be missing) and its events. */
export interface RecordSpan {
  start?: NormalizedRecord;
  end?: NormalizedRecord;
  events: NormalizedRecord[];
  /** For a span without an end: the latest time (µs) seen in its trace, used as its end time. */
  lastSeenUs?: number;
}

/** A JSON value as an OTLP AnyValue: integers as intValue, other numbers as doubleValue, objects as kvlists. */
export function otlpAnyValue(value: unknown, depth = 0): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    case 'bigint':
      return { intValue: String(value) };
    case 'object':
      if (value === null || depth > MAX_DEPTH) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => otlpAnyValue(item, depth + 1)) } };
      return { kvlistValue: { values: otlpKeyValues(value as Record<string, unknown>, depth + 1) } };
    default:
      return {};
  }
}

/** An object's own properties as OTLP KeyValues. */
export function otlpKeyValues(object: Record<string, unknown>, depth = 0): OtlpKeyValue[] {
  return Object.keys(object).map((key) => ({ key, value: otlpAnyValue(object[key], depth) }));
}

/** A µs time as the nanosecond string OTLP/JSON uses. */
function nanos(timeUs: number): string {
  return timeUs > 0 ? `${Math.round(timeUs)}000` : '0';
}

/** The OTLP resource of a record: `service.name`, the `resource` metadata, and `process.pid` when that lacks it. */
export function otlpResource(record: NormalizedRecord): OtlpResource {
  const attributes: OtlpKeyValue[] = [];
  if (record.service !== undefined) attributes.push({ key: 'service.name', value: { stringValue: record.service } });
  const resource = record.meta.resource;
  const fields = resource !== null && typeof resource === 'object' && !Array.isArray(resource) ? (resource as Record<string, unknown>) : {};
  attributes.push(...otlpKeyValues(fields));
  if (record.pid !== undefined && !('process.pid' in fields)) attributes.push({ key: 'process.pid', value: otlpAnyValue(record.pid) });
  return { attributes };
}

/** The OTLP instrumentation scope of a record. */
export function otlpScope(record: NormalizedRecord): OtlpScope {
  return record.scopeVersion !== undefined ? { name: record.scope ?? '', version: record.scopeVersion } : { name: record.scope ?? '' };
}

// The current semantic-convention names first: a record's call site is written under these when absent.
const CODE_KEYS = [
  ['file', 'code.file.path', 'code.filepath'],
  ['line', 'code.line.number', 'code.lineno'],
  ['column', 'code.column.number', 'code.column'],
  ['function', 'code.function.name', 'code.function'],
] as const;

/** User attributes plus the record's call site as `code.*` attributes, unless the attributes carry one already. */
function withCodeLocation(attrs: Record<string, unknown>, record: NormalizedRecord): Record<string, unknown> {
  let out = attrs;
  for (const [field, key, oldKey] of CODE_KEYS) {
    const value = record[field];
    if (value === undefined || key in attrs || oldKey in attrs) continue;
    if (out === attrs) out = { ...attrs };
    out[key] = value;
  }
  return out;
}

/**
 * One span's records as an OTLP Span. A span without an end record is sent as what it is: ended at the last
 * time seen in its trace, with status unset and `aitrace.span.cut_off: true`.
 */
export function recordSpanToOtlp(span: RecordSpan): OtlpSpan {
  const main = span.end ?? span.start ?? span.events[0];
  if (main === undefined) throw new TypeError('recordSpanToOtlp needs at least one record of the span');
  const { start, end } = span;
  let attrs = start && end ? { ...start.attrs, ...end.attrs } : main.attrs;
  attrs = withCodeLocation(attrs, end ?? main);
  let startUs: number;
  let endUs: number;
  if (end !== undefined) {
    endUs = end.timeUs;
    startUs = end.startTimeUs ?? start?.timeUs ?? end.timeUs - Math.round((end.durationMs ?? 0) * 1000);
  } else {
    startUs = start?.timeUs ?? Math.min(...span.events.map((event) => event.timeUs));
    endUs = Math.max(startUs, span.lastSeenUs ?? startUs, ...span.events.map((event) => event.timeUs));
    attrs = { ...attrs, [CUT_OFF_ATTRIBUTE]: true };
  }
  const out: OtlpSpan = {
    traceId: main.traceId ?? '',
    spanId: main.spanId ?? '',
    name: main.name ?? main.event,
    kind: otlpKind(end?.kind ?? start?.kind ?? 'internal'),
    startTimeUnixNano: nanos(startUs),
    endTimeUnixNano: nanos(endUs),
    attributes: otlpKeyValues(attrs),
    events: span.events.map((event) => ({ timeUnixNano: nanos(event.timeUs), name: event.event, attributes: otlpKeyValues(event.attrs) })),
    links: (end?.links ?? start?.links ?? []).map((link) => ({
      traceId: link.trace_id,
      spanId: link.span_id,
      attributes: otlpKeyValues(link.attributes ?? {}),
    })),
    status: {},
  };
  const parent = end?.parentSpanId ?? start?.parentSpanId ?? main.parentSpanId;
  if (parent !== undefined) out.parentSpanId = parent;
  if (end?.status !== undefined && end.status !== 'unset') out.status.code = otlpStatus(end.status);
  if (end?.statusMessage !== undefined) out.status.message = end.statusMessage;
  const dropped = end?.dropped;
  if (dropped?.attributes) out.droppedAttributesCount = dropped.attributes;
  if (dropped?.events) out.droppedEventsCount = dropped.events;
  if (dropped?.links) out.droppedLinksCount = dropped.links;
  return out;
}

/**
 * A log record as an OTLP LogRecord. A record with a `body` attribute sends it as the body and its event as
 * `eventName`; otherwise the event is the body, as a plain logger call writes it.
 */
export function recordLogToOtlp(record: NormalizedRecord): OtlpLogRecord {
  let attrs = withCodeLocation(record.attrs, record);
  const out: OtlpLogRecord = { timeUnixNano: nanos(record.timeUs), observedTimeUnixNano: nanos(record.timeUs), attributes: [] };
  const severityNumber = record.severityNumber ?? (record.level !== undefined ? severityFromLevel(record.level) : undefined);
  if (severityNumber !== undefined) out.severityNumber = severityNumber;
  const severityText = record.meta.severity_text;
  if (typeof severityText === 'string') out.severityText = severityText;
  if ('body' in attrs) {
    const { body, ...rest } = attrs;
    attrs = rest;
    out.eventName = record.event;
    out.body = otlpAnyValue(body);
  } else out.body = { stringValue: record.event };
  out.attributes = otlpKeyValues(attrs);
  if (record.traceId !== undefined) out.traceId = record.traceId;
  if (record.spanId !== undefined) out.spanId = record.spanId;
  return out;
}
