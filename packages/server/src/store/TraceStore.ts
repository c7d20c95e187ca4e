import type { LevelName, NormalizedRecord } from '@aitrace/format';
import type { Facets, SortOrder, TraceQuery, TraceSummary } from '@aitrace/forest';

export type { Facets, FacetValue, SortOrder, TraceQuery, TraceSort, TraceStatusFilter, TraceSummary } from '@aitrace/forest';
export { TRACE_SORTS } from '@aitrace/forest';

/** Filters of the log list; every filter given must match. Only records of type `log` are listed. */
export interface LogQuery {
  /** Text found in the log's event (its message) or attributes (case-insensitive for ASCII). */
  q?: string;
  /** The log's level is one of these; logs without a level never match a level filter. */
  levels?: LevelName[];
  service?: string;
  /** Log time at or after this, µs. */
  fromUs?: number;
  /** Log time at or before this, µs. */
  toUs?: number;
  /** The log has each of these attributes with this value (compared as text, as in the trace list). */
  attrs?: Array<{ key: string; value: string }>;
  /** Only the logs of this trace. */
  traceId?: string;
  /** `desc` (newest first, the default) or `asc` (oldest first). */
  order?: SortOrder;
  /** Page size (default 100, at most 1000). */
  limit?: number;
  /** `nextCursor` of the previous page (of the same order). */
  cursor?: string;
}

/** The order of a trace's records: by record time (a span at its end), or with spans at their start. */
export type TraceRecordOrder = 'time' | 'start';

/** One page of logs, as normalized records. */
export interface LogPage {
  logs: NormalizedRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One page of the trace list, in the query's order (newest trace first by default). */
export interface TracePage {
  traces: TraceSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Filters of span statistics. */
export interface StatsQuery {
  service?: string;
  /** Only spans whose resource has this `service.version`. */
  serviceVersion?: string;
  /** Only spans whose resource has this deployment environment. */
  environment?: string;
  fromUs?: number;
  toUs?: number;
}

/** Statistics of the spans with one name; durations of ended spans in ms. */
export interface SpanStats {
  name: string;
  count: number;
  errors: number;
  running: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** How far a tailed file has been stored, saved with the records it produced so a restart resumes there. */
export interface SourceCursor {
  /** Identity of the file (device and inode), which survives renames by rotation. */
  fileId: string;
  /** Where the file was last seen. */
  path: string;
  /** Bytes stored so far (always at a line boundary). */
  offset: number;
  /** Number of the next line. */
  line: number;
  /** Hash of the file's first `headLength` bytes, to tell a reused inode from the same file. */
  headHash: string;
  headLength: number;
}

/** What one ingest stored: the traces it touched (their new summaries) and the records as stored. */
export interface IngestChanges {
  accepted: number;
  traces: TraceSummary[];
  /** Span records are returned as stored: an end merged with its start, or the start while running. */
  records: NormalizedRecord[];
}

/** Retention limits; rows are spans, span events and logs. */
export interface RetentionPolicy {
  /** Delete traces whose latest record is older than this many days. */
  maxAgeDays?: number;
  /** Keep at most this many rows, deleting the oldest traces (whole traces) first. */
  maxRows?: number;
}

/** What a retention pass deleted. */
export interface RetentionResult {
  deletedTraces: number;
  deletedRows: number;
}

/**
 * Where the server keeps traces. The HTTP API only talks to this interface, so another database
 * (PostgreSQL for teams) can be added without touching the API. Methods are async for that reason.
 */
export interface TraceStore {
  /** Stores records in one transaction (all or nothing), with the cursor of the file they came from. */
  ingest(records: readonly NormalizedRecord[], cursor?: SourceCursor): Promise<IngestChanges>;
  /** One page of trace summaries matching the query. */
  listTraces(query: TraceQuery): Promise<TracePage>;
  /** One page of logs (in traces or outside any) matching the query. */
  listLogs(query: LogQuery): Promise<LogPage>;
  /** Facet counts of the traces matching a trace query (its page fields are ignored). */
  traceFacets(query: TraceQuery): Promise<Facets>;
  /** Facet counts (service, level) of the logs matching a log query (its page fields are ignored). */
  logFacets(query: LogQuery): Promise<Facets>;
  /** The summary of one trace, if stored. */
  getTraceSummary(traceId: string): Promise<TraceSummary | undefined>;
  /** A trace's records by time (span starts replaced by their ends); empty when unknown. */
  getTraceRecords(traceId: string): Promise<NormalizedRecord[]>;
  /**
   * The same records as JSON texts, so large traces are served without parsing and re-serialising them; `start`
   * orders spans by their start instead (a parent before its children), for a reader that draws while it reads.
   */
  getTraceRecordsJson(traceId: string, order?: TraceRecordOrder): Promise<string[]>;
  /**
   * The same JSON texts in chunks, read as they are asked for: a reader gets the first spans of a huge trace
   * before the store has read the rest. Stopping early (`break`) releases what the read holds.
   */
  traceRecordsJsonChunks(traceId: string, order?: TraceRecordOrder): AsyncIterable<string[]>;
  /** Per span name: count, errors, running, p50/p95/max duration. */
  spanStats(query: StatsQuery): Promise<SpanStats[]>;
  /** The saved cursor of a tailed file. */
  getSourceCursor(fileId: string): Promise<SourceCursor | undefined>;
  /** Deletes whole traces (and logs without a trace) beyond the policy. */
  applyRetention(policy: RetentionPolicy, nowUs: number): Promise<RetentionResult>;
  /** Number of stored rows (spans, span events, logs). */
  countRows(): Promise<number>;
  /**
   * Calls `listener` with what other server instances store in the same database (PostgreSQL), for live updates:
   * trace summaries, and the new records of the traces `wantsRecords` names. Stores only one instance can use
   * leave it out. Resolves once listening (or once the first attempt failed: it retries by itself) to a function
   * that stops listening.
   */
  watchOtherInstances?(listener: (changes: IngestChanges) => void, wantsRecords?: (traceId: string) => boolean): Promise<() => Promise<void>>;
  /** Closes the database; safe to call more than once. */
  close(): Promise<void>;
}
