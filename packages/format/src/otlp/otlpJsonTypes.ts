/** The OTLP/JSON shapes aitrace writes (protobuf JSON encoding: hex ids, int64 as strings, enums as numbers). */

/** An OTLP AnyValue: exactly one of the fields is set; an empty object is an empty (null) value. */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValue[] };
  kvlistValue?: { values: OtlpKeyValue[] };
  bytesValue?: string;
}

/** An OTLP KeyValue. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** An OTLP Resource. */
export interface OtlpResource {
  attributes: OtlpKeyValue[];
}

/** An OTLP InstrumentationScope. */
export interface OtlpScope {
  name: string;
  version?: string;
}

/** An OTLP Span.Event. */
export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

/** An OTLP Span.Link. */
export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: OtlpKeyValue[];
}

/** An OTLP Span. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events: OtlpSpanEvent[];
  droppedEventsCount?: number;
  links: OtlpLink[];
  droppedLinksCount?: number;
  /** StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code?: number; message?: string };
}

/** An OTLP LogRecord. */
export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body?: OtlpAnyValue;
  attributes: OtlpKeyValue[];
  traceId?: string;
  spanId?: string;
}

/** An OTLP ExportTraceServiceRequest. */
export interface OtlpTraceRequest {
  resourceSpans: { resource: OtlpResource; scopeSpans: { scope: OtlpScope; spans: OtlpSpan[] }[] }[];
}

/** An OTLP ExportLogsServiceRequest. */
export interface OtlpLogsRequest {
  resourceLogs: { resource: OtlpResource; scopeLogs: { scope: OtlpScope; logRecords: OtlpLogRecord[] }[] }[];
}

/** One export request, ready to send: its signal, its body and how many items (spans or log records) it holds. */
export type OtlpExportRequest = { signal: 'traces'; body: OtlpTraceRequest; items: number } | { signal: 'logs'; body: OtlpLogsRequest; items: number };
