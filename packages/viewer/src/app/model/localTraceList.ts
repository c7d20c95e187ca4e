import type { NormalizedRecord } from '@aitrace/format';
import { compareTraces, storedTrace, traceMatches, type StoredTrace, type TraceQuery } from '@aitrace/forest';
import type { TraceListPage } from './TraceListItem.js';

/** The traces of a file as a store would keep them, so the browser lists them with the server's rules and numbers. */
export function localTraces(byTrace: ReadonlyMap<string, readonly NormalizedRecord[]>): StoredTrace[] {
  return [...byTrace].map(([traceId, records]) => storedTrace(traceId, [records]));
}

/**
 * One page of the traces matching the query, newest first, by forest's reference matcher (the rules of the
 * server's `GET /api/traces`); the cursor is the offset of the next page.
 */
export function localTracePage(traces: readonly StoredTrace[], query: TraceQuery, cursor: string | null, pageSize: number): TraceListPage {
  const matching = traces
    .filter((trace) => traceMatches(trace, query))
    .map((trace) => trace.summary)
    .sort(compareTraces);
  const offset = cursor === null ? 0 : Math.max(0, Number.parseInt(cursor, 10) || 0);
  const end = offset + pageSize;
  return { traces: matching.slice(offset, end), nextCursor: end < matching.length ? String(end) : null };
}
