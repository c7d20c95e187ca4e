import { formatEpochMicros, type SpanKindName, type StatusName, type TracerMeta } from '@aitrace/format';
import { OtlpCollector, OtlpFormatError, type OtlpConversion } from './OtlpConversion.js';
import { asArray, asObject, codeLocation, keyValues, nanosToMicros, otlpId, resourceMeta, scopeMeta } from './otlpValue.js';

// OTLP Span.SpanKind numbers (0 is unspecified) and names.
const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
const KIND_NAMES: Readonly<Record<string, SpanKindName>> = {
  SPAN_KIND_UNSPECIFIED: 'internal', SPAN_KIND_INTERNAL: 'internal', SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client', SPAN_KIND_PRODUCER: 'producer', SPAN_KIND_CONSUMER: 'consumer',
};
const STATUSES: readonly StatusName[] = ['unset', 'ok', 'error'];
const STATUS_NAMES: Readonly<Record<string, StatusName>> = { STATUS_CODE_UNSET: 'unset', STATUS_CODE_OK: 'ok', STATUS_CODE_ERROR: 'error' };

function kindOf(value: unknown): SpanKindName {
  if (typeof value === 'number') return KINDS[value] ?? 'internal';
  return (typeof value === 'string' ? KIND_NAMES[value] : undefined) ?? 'internal';
}

function statusOf(value: unknown): StatusName {
  if (typeof value === 'number') return STATUSES[value] ?? 'unset';
  return (typeof value === 'string' ? STATUS_NAMES[value] : undefined) ?? 'unset';
}

function linksOf(value: unknown): NonNullable<TracerMeta['links']> | undefined {
  const links: NonNullable<TracerMeta['links']> = [];
  for (const item of asArray(value) ?? []) {
    const link = asObject(item);
    const traceId = otlpId(link?.traceId, 16);
    const spanId = otlpId(link?.spanId, 8);
    if (!traceId || !spanId) continue;
    const attributes = keyValues(link?.attributes);
    links.push(Object.keys(attributes).length > 0 ? { trace_id: traceId, span_id: spanId, attributes } : { trace_id: traceId, span_id: spanId });
  }
  return links.length > 0 ? links : undefined;
}

function droppedOf(span: Record<string, unknown>): TracerMeta['dropped'] {
  const dropped: NonNullable<TracerMeta['dropped']> = {};
  const count = (value: unknown): number => (typeof value === 'number' && value > 0 ? value : 0);
  if (count(span.droppedAttributesCount)) dropped.attributes = count(span.droppedAttributesCount);
  if (count(span.droppedEventsCount)) dropped.events = count(span.droppedEventsCount);
  if (count(span.droppedLinksCount)) dropped.links = count(span.droppedLinksCount);
  return Object.keys(dropped).length > 0 ? dropped : undefined;
}

/**
 * Converts an OTLP/JSON ExportTraceServiceRequest into aitrace records: per span its start (provisional),
 * its events, and its end, the same records the aitrace span processor writes. Spans with bad ids or times
 * are rejected one by one; a body that is not an export request throws OtlpFormatError.
 */
export function otlpTracesToRecords(body: unknown): OtlpConversion {
  const request = asObject(body);
  const resourceSpans = asArray(request?.resourceSpans);
  if (request === undefined || resourceSpans === undefined) throw new OtlpFormatError('expected an ExportTraceServiceRequest: a JSON object with a "resourceSpans" array');
  const out = new OtlpCollector();
  for (const resourceItem of resourceSpans) {
    const resource = asObject(resourceItem);
    const fromResource = resourceMeta(resource?.resource);
    for (const scopeItem of asArray(resource?.scopeSpans) ?? []) {
      const scopeSpans = asObject(scopeItem);
      const fromScope = scopeMeta(scopeSpans?.scope);
      for (const spanItem of asArray(scopeSpans?.spans) ?? []) {
        const span = asObject(spanItem);
        if (span === undefined) {
          out.reject('a span is not an object');
          continue;
        }
        convertSpan(span, { ...fromResource, ...fromScope }, out);
      }
    }
  }
  return out;
}

function convertSpan(span: Record<string, unknown>, context: Partial<TracerMeta>, out: OtlpCollector): void {
  const traceId = otlpId(span.traceId, 16);
  const spanId = otlpId(span.spanId, 8);
  const parentSpanId = otlpId(span.parentSpanId, 8);
  const name = typeof span.name === 'string' && span.name !== '' ? span.name : undefined;
  const startUs = nanosToMicros(span.startTimeUnixNano);
  const endUs = nanosToMicros(span.endTimeUnixNano);
  const problems: string[] = [];
  if (!traceId) problems.push(`traceId ${JSON.stringify(span.traceId)} is not 16 bytes in hex or base64`);
  if (!spanId) problems.push(`spanId ${JSON.stringify(span.spanId)} is not 8 bytes in hex or base64`);
  if (parentSpanId === undefined) problems.push(`parentSpanId ${JSON.stringify(span.parentSpanId)} is not 8 bytes in hex or base64`);
  if (name === undefined) problems.push('name is missing');
  if (startUs === undefined) problems.push('startTimeUnixNano is missing');
  if (problems.length > 0 || !traceId || !spanId || name === undefined || startUs === undefined) {
    out.reject(`span ${JSON.stringify(name ?? span.spanId ?? '?')}: ${problems.join('; ')}`);
    return;
  }
  const attributes = keyValues(span.attributes);
  const base: TracerMeta = { timestamp: '', event: '', trace_id: traceId, span_id: spanId };
  if (parentSpanId) base.parent_span_id = parentSpanId;
  base.name = name;
  Object.assign(base, context, codeLocation(attributes));
  const kind = kindOf(span.kind);
  const links = linksOf(span.links);

  out.add({ ...base, timestamp: formatEpochMicros(startUs), event: `${name}.start`, type: 'span_start', kind, provisional: true, ...(links ? { links } : {}) }, attributes);
  for (const eventItem of asArray(span.events) ?? []) {
    const event = asObject(eventItem);
    const timeUs = nanosToMicros(event?.timeUnixNano) ?? startUs;
    const eventName = typeof event?.name === 'string' && event.name !== '' ? event.name : 'event';
    out.add({ ...base, timestamp: formatEpochMicros(timeUs), event: eventName, type: 'span_event' }, keyValues(event?.attributes));
  }
  if (endUs === undefined) return;
  const status = asObject(span.status);
  const end: TracerMeta = { ...base, timestamp: formatEpochMicros(endUs), event: `${name}.end`, type: 'span_end', kind, status: statusOf(status?.code) };
  if (typeof status?.message === 'string' && status.message !== '') end.status_message = status.message;
  end.start_time = formatEpochMicros(startUs);
  end.duration_ms = Math.max(0, endUs - startUs) / 1000;
  if (links) end.links = links;
  const dropped = droppedOf(span);
  if (dropped) end.dropped = dropped;
  out.add(end, attributes);
}
