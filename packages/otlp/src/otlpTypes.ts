/**
 * The OTLP object model in its JSON shape (OTLP/JSON: lowerCamelCase fields, trace and span ids as hex,
 * 64-bit integers as decimal strings or numbers, enums as numbers, bytes as base64). Decoding protobuf gives
 * exactly this shape, so one converter serves OTLP/JSON, OTLP/HTTP protobuf and OTLP/gRPC.
 */

/** A 64-bit integer: a decimal string (what decoding gives, exact) or a number. */
export type Int64 = string | number;

/** `opentelemetry.proto.common.v1.AnyValue`: exactly one of its fields is set. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  /** proto3 JSON writes NaN and the infinities as strings. */
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  /** Base64. */
  bytesValue?: string;
}

/** `opentelemetry.proto.common.v1.KeyValue`. */
export interface KeyValue {
  key: string;
  value?: AnyValue;
}

/** `opentelemetry.proto.resource.v1.Resource`. */
export interface Resource {
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

/** `opentelemetry.proto.common.v1.InstrumentationScope`. */
export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

/** `opentelemetry.proto.trace.v1.Span.Event`. */
export interface SpanEvent {
  timeUnixNano?: Int64;
  name?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

/** `opentelemetry.proto.trace.v1.Span.Link`. */
export interface SpanLink {
  /** 32 hex digits. */
  traceId?: string;
  /** 16 hex digits. */
  spanId?: string;
  traceState?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

/** `opentelemetry.proto.trace.v1.Span`. */
export interface Span {
  /** 32 hex digits. */
  traceId?: string;
  /** 16 hex digits. */
  spanId?: string;
  traceState?: string;
  /** 16 hex digits; absent for a root span. */
  parentSpanId?: string;
  flags?: number;
  name?: string;
  /** `Span.SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: SpanEvent[];
  droppedEventsCount?: number;
  links?: SpanLink[];
  droppedLinksCount?: number;
  /** `code`: 0 unset, 1 ok, 2 error. */
  status?: { message?: string; code?: number };
}

/** `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`. */
export interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: Resource;
    scopeSpans?: Array<{ scope?: InstrumentationScope; spans?: Span[]; schemaUrl?: string }>;
    schemaUrl?: string;
  }>;
}

/** `opentelemetry.proto.logs.v1.LogRecord`. */
export interface LogRecord {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  /** 32 hex digits. */
  traceId?: string;
  /** 16 hex digits. */
  spanId?: string;
  eventName?: string;
}

/** `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest`. */
export interface ExportLogsServiceRequest {
  resourceLogs?: Array<{
    resource?: Resource;
    scopeLogs?: Array<{ scope?: InstrumentationScope; logRecords?: LogRecord[]; schemaUrl?: string }>;
    schemaUrl?: string;
  }>;
}

/** `opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest` (metrics are decoded, not modelled further). */
export interface ExportMetricsServiceRequest {
  resourceMetrics?: Array<{
    resource?: Resource;
    scopeMetrics?: Array<{ scope?: InstrumentationScope; metrics?: Array<Record<string, unknown>>; schemaUrl?: string }>;
    schemaUrl?: string;
  }>;
}

/** The `partialSuccess` of an export response: how many items were rejected and why. */
export interface PartialSuccess {
  errorMessage?: string;
}

/** `ExportTraceServiceResponse`. */
export interface ExportTraceServiceResponse {
  partialSuccess?: PartialSuccess & { rejectedSpans?: Int64 };
}

/** `ExportLogsServiceResponse`. */
export interface ExportLogsServiceResponse {
  partialSuccess?: PartialSuccess & { rejectedLogRecords?: Int64 };
}

/** `ExportMetricsServiceResponse`. */
export interface ExportMetricsServiceResponse {
  partialSuccess?: PartialSuccess & { rejectedDataPoints?: Int64 };
}

/** `google.rpc.Status`, the body of an OTLP/HTTP error answer (its `details` are not used). */
export interface RpcStatus {
  code?: number;
  message?: string;
}

/** The three OTLP signals. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** Export request type by signal. */
export interface OtlpRequestBySignal {
  traces: ExportTraceServiceRequest;
  logs: ExportLogsServiceRequest;
  metrics: ExportMetricsServiceRequest;
}

/** Export response type by signal. */
export interface OtlpResponseBySignal {
  traces: ExportTraceServiceResponse;
  logs: ExportLogsServiceResponse;
  metrics: ExportMetricsServiceResponse;
}
