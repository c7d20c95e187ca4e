import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import type { ScopeInput, SpanInput } from '@aitrace/format';

// Span fields that differ between OpenTelemetry SDK lines; read defensively.
interface SpanCompat {
  parentSpanContext?: { spanId: string };
  parentSpanId?: string;
  instrumentationScope?: ScopeInput;
  instrumentationLibrary?: ScopeInput;
}

/** The id of a span's parent, if any, across SDK lines. */
export function parentSpanId(span: ReadableSpan | Span): string | undefined {
  const compat = span as unknown as SpanCompat;
  return compat.parentSpanContext?.spanId ?? (compat.parentSpanId || undefined);
}

/** The instrumentation scope of a span, across SDK lines. */
export function spanScope(span: ReadableSpan | Span): ScopeInput | undefined {
  const compat = span as unknown as SpanCompat;
  return compat.instrumentationScope ?? compat.instrumentationLibrary;
}

/** An SDK span as the record mapping's input; `ended` says whether its end time is final. */
export function sdkSpanInput(span: ReadableSpan | Span, ended: boolean): SpanInput {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parentSpanId(span),
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: ended ? span.endTime : undefined,
    status: span.status,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    resource: span.resource,
    scope: spanScope(span),
  };
}
