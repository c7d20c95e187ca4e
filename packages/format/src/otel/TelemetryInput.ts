/**
 * The neutral shape of OpenTelemetry data that the record mapping reads. It is plain data, shaped so that an
 * SDK ReadableSpan or LogRecord fits with little adapting, and so that the OTLP object model converts into it.
 */

/** A time as OpenTelemetry's HrTime: seconds and nanoseconds since the Unix epoch. */
export type HrTimeInput = readonly [number, number];

/** Attributes as a map of key to value (OpenTelemetry AttributeValue, or any JSON value from OTLP). */
export type AttributesInput = Readonly<Record<string, unknown>>;

/** The resource that produced the data. */
export interface ResourceInput {
  readonly attributes: AttributesInput;
}

/** The instrumentation scope (tracer or logger name). */
export interface ScopeInput {
  readonly name: string;
  readonly version?: string | undefined;
}

/** A span event (`exception`...). */
export interface SpanEventInput {
  readonly name: string;
  readonly time: HrTimeInput;
  readonly attributes?: AttributesInput | undefined;
}

/** A link to another span context. */
export interface LinkInput {
  readonly context: { readonly traceId: string; readonly spanId: string };
  readonly attributes?: AttributesInput | undefined;
}

/** One span, started or ended. */
export interface SpanInput {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | undefined;
  readonly name: string;
  /** The OpenTelemetry API SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  readonly kind: number;
  readonly startTime: HrTimeInput;
  /** Absent while the span is running. */
  readonly endTime?: HrTimeInput | undefined;
  /** The OpenTelemetry API SpanStatusCode: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message?: string | undefined };
  readonly attributes: AttributesInput;
  readonly events: readonly SpanEventInput[];
  readonly links: readonly LinkInput[];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly resource?: ResourceInput | undefined;
  readonly scope?: ScopeInput | undefined;
}

/** One log record. */
export interface LogInput {
  /** The log's time (the observed time when the source gave none). */
  readonly time: HrTimeInput;
  readonly traceId?: string | undefined;
  readonly spanId?: string | undefined;
  readonly eventName?: string | undefined;
  readonly severityNumber?: number | undefined;
  readonly severityText?: string | undefined;
  readonly body?: unknown;
  readonly attributes: AttributesInput;
  readonly resource?: ResourceInput | undefined;
  readonly scope?: ScopeInput | undefined;
}
