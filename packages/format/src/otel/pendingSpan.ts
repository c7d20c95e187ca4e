import type { SpanInput } from './TelemetryInput.js';

/** The attribute with which Logfire SDKs mark a span that only announces another span's start. */
export const LOGFIRE_SPAN_TYPE = 'logfire.span_type';
/** The announced span's own parent, on a Logfire pending span (all zeros for a root). */
export const LOGFIRE_PENDING_PARENT_ID = 'logfire.pending_parent_id';

/**
 * The span that a Logfire pending span announces, started and still running, or undefined when `span` is not
 * a pending span. Logfire SDKs send, when a span starts, an ended twin with a fresh id whose parent is the real
 * span, `logfire.span_type: "pending_span"` and `logfire.pending_parent_id`; the real span arrives when it ends.
 */
export function pendingSpanTarget(span: SpanInput): SpanInput | undefined {
  if (span.attributes[LOGFIRE_SPAN_TYPE] !== 'pending_span' || span.parentSpanId === undefined) return undefined;
  const { [LOGFIRE_SPAN_TYPE]: _type, [LOGFIRE_PENDING_PARENT_ID]: realParent, ...attributes } = span.attributes;
  const parentSpanId = typeof realParent === 'string' && /^[0-9a-f]{16}$/.test(realParent) && !/^0+$/.test(realParent) ? realParent : undefined;
  return { ...span, spanId: span.parentSpanId, parentSpanId, endTime: undefined, attributes, events: [] };
}
