import type { LevelName, RecordType, SpanKindName, StatusName } from './enumerations.js';

export type { LevelName, RecordType, SpanKindName, StatusName };

/** A link from a span to another span context. */
export interface LinkMeta {
  trace_id: string;
  span_id: string;
  attributes?: Record<string, unknown>;
}

/** Counts of span data the SDK dropped because of its limits (only non-zero counts are written). */
export interface DroppedCounts {
  attributes?: number;
  events?: number;
  links?: number;
}

/** The fields of `__tracer_meta__` as a writer supplies them; see TRACE_RECORD.md for each. */
export interface TracerMeta {
  /** UTC ISO-8601 with microseconds, e.g. `2025-10-26T12:34:15.193415Z`. */
  timestamp: string;
  /** `<span name>.start`, `<span name>.end`, a span event's name, or a log's event name. */
  event: string;
  type?: RecordType | undefined;
  trace_id?: string | undefined;
  span_id?: string | undefined;
  parent_span_id?: string | undefined;
  /** The span's name (records of type span_start, span_end and span_event). */
  name?: string | undefined;
  kind?: SpanKindName | undefined;
  status?: StatusName | undefined;
  status_message?: string | undefined;
  level?: LevelName | undefined;
  severity_number?: number | undefined;
  severity_text?: string | undefined;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  function?: string | undefined;
  /** `true` on a span start record: an end record for the same span supersedes it. */
  provisional?: boolean | undefined;
  /** The span's start time (end records), same format as `timestamp`. */
  start_time?: string | undefined;
  /** The span's duration in milliseconds with microsecond precision (end records). */
  duration_ms?: number | undefined;
  /** On a span end whose start was never recorded (migrated from a format without durations): no start_time or duration_ms. */
  start_unknown?: true | undefined;
  service?: string | undefined;
  /** The resource attributes of the writer other than `service.name` (which is `service`). */
  resource?: Record<string, unknown> | undefined;
  scope?: string | undefined;
  scope_version?: string | undefined;
  pid?: number | undefined;
  links?: LinkMeta[] | undefined;
  dropped?: DroppedCounts | undefined;
  /** Encoded user key -> original user key, for user keys moved aside to avoid a collision. */
  renamed?: Record<string, string> | undefined;
  /** Data path -> why its value was redacted (TRACE_RECORD.md 2.2); absent when nothing was. */
  scrubbed?: Record<string, string> | undefined;
  /** Extra metadata fields a writer adds; encoded after the known ones. */
  [extra: string]: unknown;
}

/** Every record, whatever its version, as readers see it after `normalizeRecord`. */
export interface NormalizedRecord {
  /** 2 for records with `__tracer_meta__` (with or without `format_version`), 1 for the top-level layout. */
  formatVersion: number;
  timestamp: string;
  /** Microseconds since the Unix epoch, for ordering. */
  timeUs: number;
  event: string;
  type: RecordType;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  /** Span name: from `name`, or the event without its `.start`/`.end` suffix. */
  name?: string;
  kind?: SpanKindName;
  status?: StatusName;
  statusMessage?: string;
  level?: LevelName;
  severityNumber?: number;
  file?: string;
  line?: number;
  column?: number;
  function?: string;
  provisional: boolean;
  startTimeUs?: number;
  durationMs?: number;
  service?: string;
  /** Resource attributes (`service.version`, `deployment.environment.name`, `host.*`...), without `service.name`. */
  resource?: Record<string, unknown>;
  scope?: string;
  scopeVersion?: string;
  pid?: number;
  links?: LinkMeta[];
  dropped?: DroppedCounts;
  /** Data path -> why its value was redacted, from `__tracer_meta__.scrubbed`. */
  scrubbed?: Record<string, string>;
  /** All metadata as written (known and extra fields), without `renamed`. */
  meta: Record<string, unknown>;
  /** User data, with collision renames undone. */
  attrs: Record<string, unknown>;
}

/** One problem found in a record: the field path (`__tracer_meta__.span_id`) and what is wrong. */
export interface RecordProblem {
  field: string;
  message: string;
}
