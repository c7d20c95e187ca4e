import type { NormalizedRecord } from '@aitrace/format';

/** One trace as a trace server lists it: enough to tell whether a copy read earlier is still current. Times in µs. */
export interface CatalogTrace {
  traceId: string;
  startUs: number;
  /** Time of the trace's latest record. */
  lastUs: number;
  /** Spans, span events and logs stored for the trace. */
  recordCount: number;
}

/** The trace-list filters the tools use (a subset of the server's query API); every filter given must match. */
export interface CatalogQuery {
  service?: string;
  fromUs?: number;
  toUs?: number;
  /** `running`: traces with a span that has not ended. */
  status?: 'running';
  /** Text in a trace id, span name, event name, status message or attribute. */
  q?: string;
  limit?: number;
  cursor?: string;
}

/** One page of the trace list, newest trace first. */
export interface CatalogPage {
  traces: CatalogTrace[];
  /** The next page's cursor; null on the last page. */
  nextCursor: string | null;
}

/** What a trace server offers the tools: its `TraceStore` in process, or its HTTP query API from another process. */
export interface TraceCatalog {
  /** One page of traces matching the query, newest first. */
  listTraces(query: CatalogQuery): Promise<CatalogPage>;
  /** The listing of one trace by its whole id; undefined when it is unknown. */
  getTraceSummary(traceId: string): Promise<CatalogTrace | undefined>;
  /** A trace's records by time (a span's start replaced by its end once it ended); empty when the trace is unknown. */
  getTraceRecords(traceId: string): Promise<NormalizedRecord[]>;
}
