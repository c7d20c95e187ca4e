/** The enumerations of the record format (TRACE_RECORD.md), each a list from which its type is derived, so a value added here is known everywhere. */

/** What a record describes; readers pair `span_start` and `span_end` by `span_id`. */
export const RECORD_TYPES = ['span_start', 'span_end', 'span_event', 'log'] as const;
/** One of `RECORD_TYPES`. */
export type RecordType = (typeof RECORD_TYPES)[number];

/** OpenTelemetry span kinds, lower case, in the order of the API's SpanKind values (0-4). */
export const SPAN_KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
/** One of `SPAN_KIND_NAMES`. */
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

/** OpenTelemetry span status codes, lower case, in the order of the API's SpanStatusCode values (0-2). */
export const STATUS_CODE_NAMES = ['unset', 'ok', 'error'] as const;
/** One of `STATUS_CODE_NAMES`. */
export type StatusName = (typeof STATUS_CODE_NAMES)[number];

/** Log level names, lowest first, mapped to OpenTelemetry severity numbers by `severityFromLevel`. */
export const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** One of `LEVEL_NAMES`. */
export type LevelName = (typeof LEVEL_NAMES)[number];

/** What readers make of a span: still running, cut off (never ended, its writer is gone), ended ok, or ended in error. */
export const SPAN_STATES = ['running', 'cut_off', 'ok', 'error'] as const;
/** One of `SPAN_STATES`. */
export type SpanState = (typeof SPAN_STATES)[number];
