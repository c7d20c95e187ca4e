import type { NormalizedRecord } from '@aitrace/format';
import type { TraceQuery, TraceSummary } from '@aitrace/forest';

/** The trace-list filters the tools pass to a server (a part of the one `TraceQuery`, so a `TraceStore` takes it as is). */
export type CatalogQuery = Pick<TraceQuery, 'service' | 'fromUs' | 'toUs' | 'status' | 'q' | 'limit' | 'cursor'>;

/** One page of a trace list, newest trace first. */
export interface CatalogPage {
  traces: TraceSummary[];
  /** The next page's cursor; null on the last page. */
  nextCursor: string | null;
}

/** What a trace server offers the tools: its `TraceStore` in process, or its HTTP query API from another process. */
export interface TraceCatalog {
  /** One page of the traces matching the query, newest first. */
  listTraces(query: CatalogQuery): Promise<CatalogPage>;
  /** The summary of one trace by its whole id; undefined when it is unknown. */
  getTraceSummary(traceId: string): Promise<TraceSummary | undefined>;
  /** A trace's records by time (a span's start replaced by its end once it ended); empty when the trace is unknown. */
  getTraceRecords(traceId: string): Promise<NormalizedRecord[]>;
}
