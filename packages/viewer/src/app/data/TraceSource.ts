import type { NormalizedRecord } from '@aitrace/format';
import type { EmbeddedProblem } from '../../shared/embeddedTrace.js';
import type { Facets } from '@aitrace/forest';
import type { ListRequest } from '../model/listOptions.js';
import type { LogViewQuery } from '../model/logQuery.js';
import type { TimeBounds } from '../model/timeRange.js';
import type { TraceListItem, TraceListPage } from '../model/TraceListItem.js';
import type { TraceQuery } from '../model/traceQuery.js';

/** One page of logs, in the query's order. */
export interface LogListPage {
  logs: NormalizedRecord[];
  /** Pass back for the next page; null on the last page. */
  nextCursor: string | null;
}

/** What a trace view hears about its trace. */
export interface TraceListener {
  /**
   * Records of the trace: everything known so far (a big stored trace in several batches, `more` on all but the
   * last), then each new batch while live (repeats are harmless).
   */
  records(records: NormalizedRecord[], more?: boolean): void;
  /** The source has no such trace (a live source may still receive it). */
  missing(): void;
  /** Loading failed; the message says why. */
  failed(error: Error): void;
  /** Live updates were connected or lost (live sources only). */
  connection(connected: boolean): void;
}

/** Where the viewer gets traces: the trace server (live) or the data embedded in a single-file HTML trace. */
export interface TraceSource {
  /** Whether traces can still change (spans without an end are running, not cut off). */
  readonly live: boolean;
  /** Shown in the header: the server, or the HTML trace's title. */
  readonly title: string;
  /** Lines of the source that were skipped as unreadable. */
  readonly problems: readonly EmbeddedProblem[];
  /** One page of matching traces, newest first unless the request sorts otherwise. */
  listTraces(query: TraceQuery, cursor: string | null, request?: ListRequest): Promise<TraceListPage>;
  /** One page of matching logs (in traces and outside any). */
  listLogs(query: LogViewQuery, bounds: TimeBounds, cursor: string | null): Promise<LogListPage>;
  /** Facet counts of the traces matching a query within bounds. */
  traceFacets(query: TraceQuery, bounds: TimeBounds): Promise<Facets>;
  /** Facet counts (service, level) of the logs matching a query within bounds. */
  logFacets(query: LogViewQuery, bounds: TimeBounds): Promise<Facets>;
  /** Calls `onRecords` with every batch of records stored, across traces (live sources); returns a function that stops. */
  watchRecords(onRecords: (records: NormalizedRecord[]) => void, onConnection: (connected: boolean) => void): () => void;
  /** Starts delivering one trace's records; returns a function that stops. */
  openTrace(traceId: string, listener: TraceListener): () => void;
  /** Calls `onChange` whenever a trace is created or changes (live sources); returns a function that stops. */
  watchTraces(onChange: (trace: TraceListItem) => void, onConnection: (connected: boolean) => void): () => void;
}
