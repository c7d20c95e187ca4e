/** One trace as a trace list shows it. Times are µs since the epoch. */
export interface TraceSummary {
  traceId: string;
  /** Name of the root span: the earliest span without a parent, else the earliest span. */
  rootName: string | null;
  rootSpanId: string | null;
  /** Service of the root span (or of the first record seen). */
  service: string | null;
  startUs: number;
  /** Latest span end, once a span has ended. */
  endUs: number | null;
  /** `endUs - startUs` in ms, or null while no span has ended. */
  durationMs: number | null;
  spanCount: number;
  errorCount: number;
  /** Spans started and not yet ended. */
  runningCount: number;
  /** Spans, span events and logs stored for the trace. */
  recordCount: number;
  /** Time of the latest record, µs. */
  lastUs: number;
  /** Input tokens of the trace's model calls (the GenAI roll-up: an agent span's sum is not added to its calls'), or null when none reported any. */
  inputTokens: number | null;
  /** Output tokens, by the same rule. */
  outputTokens: number | null;
  /** Models the trace's spans name (request and response model), sorted. */
  models: string[];
  /** Conversations (`gen_ai.conversation.id`) of the trace's spans, sorted. */
  conversations: string[];
}

/** The values of the trace `status` filter, as a list for parsers and menus. */
export const TRACE_STATUSES = ['error', 'running', 'ok'] as const;

/** `status` filter of a trace list: any error, still running, or finished without errors. */
export type TraceStatusFilter = (typeof TRACE_STATUSES)[number];

/** One attribute filter: some span, event or log has the attribute `key` with this value, compared as text. */
export interface AttrFilter {
  key: string;
  value: string;
}

/** Filters of a trace list; every filter given must match. Stores, the viewer and the CLI all read this one type. */
export interface TraceQuery {
  /** Some span or log of the trace has this service. */
  service?: string;
  /** Some span or log of the trace has this `service.version` resource attribute. */
  serviceVersion?: string;
  /** Some span or log of the trace has this deployment environment (`deployment.environment.name`). */
  environment?: string;
  /** Some span of the trace has this name. */
  name?: string;
  status?: TraceStatusFilter;
  /** Trace start at or after this time, µs. */
  fromUs?: number;
  /** Trace start at or before this time, µs. */
  toUs?: number;
  /** Some span, event or log has each of these attributes with this value (compared as text). */
  attrs?: AttrFilter[];
  /** Some span names this model (`gen_ai.request.model` or `gen_ai.response.model`): one of the summary's `models`. */
  model?: string;
  /** Some span has this `gen_ai.conversation.id`: one of the summary's `conversations`. */
  conversation?: string;
  /** Text found in a trace id, span name, event name, status message or attribute (case-insensitive for ASCII). */
  q?: string;
  /** Order of the list (default `start`); paging follows it; stores only. */
  sort?: TraceSort;
  /** Largest (latest) first (`desc`, the default) or smallest first; stores only. */
  order?: SortOrder;
  /** Page size (default 50, at most 1000); stores only. */
  limit?: number;
  /** `nextCursor` of the previous page; stores only. */
  cursor?: string;
}

/** What a trace list can be sorted by: start time, duration, span count, error count. */
export const TRACE_SORTS = ['start', 'duration', 'spans', 'errors'] as const;

/** One of `TRACE_SORTS`. */
export type TraceSort = (typeof TRACE_SORTS)[number];

/** Largest (latest) first, or smallest first. */
export type SortOrder = 'desc' | 'asc';

/** Whether a text is a trace status filter. */
export function isTraceStatus(text: string): text is TraceStatusFilter {
  return (TRACE_STATUSES as readonly string[]).includes(text);
}

/** One value of a facet and how many traces (or logs) have it. */
export interface FacetValue {
  value: string;
  count: number;
}

/**
 * Facet counts under the filters of a query. Each facet ignores its own filter, so it lists the alternatives:
 * with `service=a`, the service facet still counts every service. Most frequent values first.
 */
export interface Facets {
  /** Traces (logs, for the log facets) per service. */
  service: FacetValue[];
  /** Traces per span name (trace facets only, else empty). */
  name: FacetValue[];
  /** Traces per status: `error`, `running`, `ok` (trace facets only, else empty). */
  status: FacetValue[];
  /** Logs per level (log facets only, else empty). */
  level: FacetValue[];
  /** Traces per GenAI model (request or response) of any span (trace facets only, else empty). */
  model: FacetValue[];
  /** Traces per `gen_ai.conversation.id` of any span (trace facets only, else empty). */
  conversation: FacetValue[];
}
