import { codeLocation } from '../otel/otelRules.js';
import { pendingSpanTarget } from '../otel/pendingSpan.js';
import { spanEndMeta, spanEventMeta, spanStartMeta } from '../otel/spanRecordMeta.js';
import type { HrTimeInput, LinkInput, ResourceInput, ScopeInput, SpanEventInput, SpanInput } from '../otel/TelemetryInput.js';
import { OtlpCollector, OtlpFormatError, type OtlpConversion } from './OtlpConversion.js';
import { CUT_OFF_ATTRIBUTE } from './recordsToOtlp.js';
import { asArray, asObject, keyValues, nanosToHrTime, otlpId, otlpResource, otlpScope } from './otlpValue.js';

// OTLP Span.SpanKind names; OTLP numbers are the API's plus one (0 is unspecified).
const KIND_BY_NAME: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 0,
  SPAN_KIND_SERVER: 1,
  SPAN_KIND_CLIENT: 2,
  SPAN_KIND_PRODUCER: 3,
  SPAN_KIND_CONSUMER: 4,
};
const STATUS_BY_NAME: Readonly<Record<string, number>> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** An OTLP span kind (number or enum name) as the API SpanKind number. */
function apiKind(value: unknown): number {
  if (typeof value === 'number') return value > 0 ? value - 1 : 0;
  return (typeof value === 'string' ? KIND_BY_NAME[value] : undefined) ?? 0;
}

/** An OTLP status code (number or enum name) as the API SpanStatusCode number. */
function apiStatus(value: unknown): number {
  if (typeof value === 'number') return value;
  return (typeof value === 'string' ? STATUS_BY_NAME[value] : undefined) ?? 0;
}

function count(value: unknown): number {
  return typeof value === 'number' && value > 0 ? value : 0;
}

function linksOf(value: unknown): LinkInput[] {
  const links: LinkInput[] = [];
  for (const item of asArray(value) ?? []) {
    const link = asObject(item);
    const traceId = otlpId(link?.traceId, 16);
    const spanId = otlpId(link?.spanId, 8);
    if (!traceId || !spanId) continue;
    links.push({ context: { traceId, spanId }, attributes: keyValues(link?.attributes) });
  }
  return links;
}

function eventsOf(value: unknown, startTime: HrTimeInput): SpanEventInput[] {
  const events: SpanEventInput[] = [];
  for (const item of asArray(value) ?? []) {
    const event = asObject(item);
    const name = typeof event?.name === 'string' && event.name !== '' ? event.name : 'event';
    events.push({ name, time: nanosToHrTime(event?.timeUnixNano) ?? startTime, attributes: keyValues(event?.attributes) });
  }
  return events;
}

/**
 * An OTLP Span as the mapping's span, or the problems that make it unusable (bad ids, no name, no start).
 * A span without an end time, or marked with CUT_OFF_ATTRIBUTE, is running.
 */
export function otlpSpanInput(span: Record<string, unknown>, resource: ResourceInput, scope: ScopeInput | undefined): SpanInput | string[] {
  const traceId = otlpId(span.traceId, 16);
  const spanId = otlpId(span.spanId, 8);
  const parentSpanId = otlpId(span.parentSpanId, 8);
  const name = typeof span.name === 'string' && span.name !== '' ? span.name : undefined;
  const startTime = nanosToHrTime(span.startTimeUnixNano);
  const problems: string[] = [];
  if (!traceId) problems.push(`traceId ${JSON.stringify(span.traceId)} is not 16 bytes in hex or base64`);
  if (!spanId) problems.push(`spanId ${JSON.stringify(span.spanId)} is not 8 bytes in hex or base64`);
  if (parentSpanId === undefined) problems.push(`parentSpanId ${JSON.stringify(span.parentSpanId)} is not 8 bytes in hex or base64`);
  if (name === undefined) problems.push('name is missing');
  if (startTime === undefined) problems.push('startTimeUnixNano is missing');
  if (problems.length > 0 || !traceId || !spanId || name === undefined || startTime === undefined) return problems;
  const status = asObject(span.status);
  const attributes = keyValues(span.attributes);
  // A span that aitrace export sent without its end (still running or cut off) is read back as running.
  const cutOff = attributes[CUT_OFF_ATTRIBUTE] === true;
  if (cutOff) delete attributes[CUT_OFF_ATTRIBUTE];
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId || undefined,
    name,
    kind: apiKind(span.kind),
    startTime,
    endTime: cutOff ? undefined : nanosToHrTime(span.endTimeUnixNano),
    status: { code: apiStatus(status?.code), message: typeof status?.message === 'string' ? status.message : undefined },
    attributes,
    events: eventsOf(span.events, startTime),
    links: linksOf(span.links),
    droppedAttributesCount: count(span.droppedAttributesCount),
    droppedEventsCount: count(span.droppedEventsCount),
    droppedLinksCount: count(span.droppedLinksCount),
    resource,
    scope,
  };
}

/** Options of `otlpTraceRequestToRecords`. */
export interface OtlpTraceConversionOptions {
  /**
   * Also write the start of a span that arrives ended (default true, as a trace file holds it). A store that merges
   * a span's records into one row can leave it out: such a start folds into its end without changing it.
   */
  startsOfEndedSpans?: boolean;
}

/**
 * Converts an OTLP ExportTraceServiceRequest (the OTLP/JSON object model) into aitrace records: per span its
 * start (provisional), its events, and its end, the same records the aitrace span processor writes; a Logfire
 * pending span becomes the start of the span it announces. Spans with bad ids or times are rejected one by one;
 * a value that is not an export request throws OtlpFormatError.
 */
export function otlpTraceRequestToRecords(request: unknown, options: OtlpTraceConversionOptions = {}): OtlpConversion {
  const starts = options.startsOfEndedSpans ?? true;
  const object = asObject(request);
  const resourceSpans = asArray(object?.resourceSpans);
  if (object === undefined || resourceSpans === undefined)
    throw new OtlpFormatError('expected an ExportTraceServiceRequest: a JSON object with a "resourceSpans" array');
  const out = new OtlpCollector();
  for (const resourceItem of resourceSpans) {
    const resourceSpan = asObject(resourceItem);
    const resource = otlpResource(resourceSpan?.resource);
    for (const scopeItem of asArray(resourceSpan?.scopeSpans) ?? []) {
      const scopeSpans = asObject(scopeItem);
      const scope = otlpScope(scopeSpans?.scope);
      for (const spanItem of asArray(scopeSpans?.spans) ?? []) {
        const span = asObject(spanItem);
        const input = span === undefined ? ['is not an object'] : otlpSpanInput(span, resource, scope);
        if (Array.isArray(input)) out.reject(`span ${JSON.stringify(span?.name ?? span?.spanId ?? '?')}: ${input.join('; ')}`);
        else addSpan(input, out, starts);
      }
    }
  }
  return out;
}

function addSpan(span: SpanInput, out: OtlpCollector, startsOfEndedSpans: boolean): void {
  const pending = pendingSpanTarget(span);
  if (pending !== undefined) {
    // Only the announced span's start: it runs until its own end arrives, which supersedes the start.
    out.add(spanStartMeta(pending, codeLocation(pending.attributes)), pending.attributes);
    return;
  }
  const location = codeLocation(span.attributes);
  if (startsOfEndedSpans || span.endTime === undefined) out.add(spanStartMeta(span, location), span.attributes);
  for (const event of span.events) out.add(spanEventMeta(span, event), event.attributes ?? {});
  if (span.endTime !== undefined) out.add(spanEndMeta(span, location), span.attributes);
}
