import { formatHrTime } from '../timestamp.js';
import type { TracerMeta } from '../types.js';
import { durationMs, resourceMeta, scopeMeta, spanKindName, statusName, type CodeLocation } from './otelRules.js';
import type { SpanEventInput, SpanInput } from './TelemetryInput.js';

const NO_LOCATION: CodeLocation = {};

/**
 * Metadata with one fixed shape for every span record (absent fields undefined), which keeps encoding fast.
 * `pid` is the writer's process id, used when the resource has no `process.pid`.
 */
function spanMeta(
  span: SpanInput,
  timestamp: string,
  event: string,
  type: 'span_start' | 'span_event' | 'span_end',
  location: CodeLocation,
  pid: number | undefined,
): TracerMeta {
  const origin = resourceMeta(span.resource);
  const scope = scopeMeta(span.scope);
  return {
    timestamp,
    event,
    type,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId || undefined,
    name: span.name,
    kind: type === 'span_event' ? undefined : spanKindName(span.kind),
    status: undefined,
    status_message: undefined,
    file: location.file,
    line: location.line,
    column: location.column,
    function: location.function,
    provisional: undefined,
    start_time: undefined,
    duration_ms: undefined,
    service: origin.service,
    resource: origin.resource,
    scope: scope.scope,
    scope_version: scope.scope_version,
    pid: origin.pid ?? pid,
    links: type !== 'span_event' && span.links.length > 0 ? linksOf(span) : undefined,
    dropped: undefined,
  };
}

function linksOf(span: SpanInput): NonNullable<TracerMeta['links']> {
  return span.links.map((link) => {
    const out: NonNullable<TracerMeta['links']>[number] = { trace_id: link.context.traceId, span_id: link.context.spanId };
    if (link.attributes !== undefined && Object.keys(link.attributes).length > 0) out.attributes = { ...link.attributes };
    return out;
  });
}

/** The metadata of a span's `<name>.start` record (provisional), with the call site `location`. */
export function spanStartMeta(span: SpanInput, location: CodeLocation, pid?: number): TracerMeta {
  const meta = spanMeta(span, formatHrTime(span.startTime), `${span.name}.start`, 'span_start', location, pid);
  meta.provisional = true;
  return meta;
}

/** The metadata of one span event's record; events carry their span's identity, not its call site. */
export function spanEventMeta(span: SpanInput, event: SpanEventInput, pid?: number): TracerMeta {
  return spanMeta(span, formatHrTime(event.time), event.name, 'span_event', NO_LOCATION, pid);
}

/** The metadata of a span's `<name>.end` record; the span must have ended (`endTime` set). */
export function spanEndMeta(span: SpanInput, location: CodeLocation, pid?: number): TracerMeta {
  const end = span.endTime ?? span.startTime;
  const meta = spanMeta(span, formatHrTime(end), `${span.name}.end`, 'span_end', location, pid);
  meta.status = statusName(span.status.code);
  meta.status_message = span.status.message || undefined;
  meta.start_time = formatHrTime(span.startTime);
  meta.duration_ms = durationMs(span.startTime, end);
  if (span.droppedAttributesCount > 0 || span.droppedEventsCount > 0 || span.droppedLinksCount > 0) {
    const dropped: NonNullable<TracerMeta['dropped']> = {};
    if (span.droppedAttributesCount > 0) dropped.attributes = span.droppedAttributesCount;
    if (span.droppedEventsCount > 0) dropped.events = span.droppedEventsCount;
    if (span.droppedLinksCount > 0) dropped.links = span.droppedLinksCount;
    meta.dropped = dropped;
  }
  return meta;
}
