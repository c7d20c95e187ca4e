import { QueryError } from './QueryError.js';
import { decodeLogCursor, encodeLogCursor } from './traceCursor.js';
import type { FacetValue, LogQuery, SortOrder, TraceQuery } from './TraceStore.js';

/** Default and largest page size of the log list. */
export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 1000;

/** Most values a facet lists (the most frequent). */
export const MAX_FACET_VALUES = 100;

/** What a log-list query asks of every store: page size, order, and the position after which the page starts. */
export interface LogPageRequest {
  limit: number;
  order: SortOrder;
  /** Time and numeric row id of the previous page's last log. */
  after: { timeUs: number; id: number } | undefined;
}

/** Checks a log query's page fields; throws a QueryError naming the one that is wrong. */
export function logPageRequest(query: LogQuery): LogPageRequest {
  const limit = query.limit ?? DEFAULT_LOG_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_LIMIT)
    throw new QueryError(`limit must be a whole number from 1 to ${MAX_LOG_LIMIT}, got ${limit}`);
  const order = query.order ?? 'desc';
  if (query.cursor === undefined) return { limit, order, after: undefined };
  const cursor = decodeLogCursor(query.cursor, order);
  // Both stores number their rows; a text id is another store's cursor.
  if (typeof cursor.id !== 'number' || !Number.isSafeInteger(cursor.id))
    throw new QueryError('cursor is not valid: pass the nextCursor of a previous page unchanged');
  return { limit, order, after: { timeUs: cursor.timeUs, id: cursor.id } };
}

/** The page of `limit + 1` rows fetched for a request, and the cursor of the next page (null on the last). */
export function logPageOf<Row extends { id: number; time_us: number }>(
  rows: readonly Row[],
  request: LogPageRequest,
): { rows: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > request.limit && last !== undefined ? encodeLogCursor({ timeUs: last.time_us, id: last.id, order: request.order }) : null,
  };
}

/** The filters each trace facet counts under: the query's filters without the page fields and without the facet's own filter. */
export function traceFacetQueries(query: TraceQuery): Record<'service' | 'name' | 'status' | 'model' | 'conversation', TraceQuery> {
  const { cursor: _cursor, limit: _limit, sort: _sort, order: _order, ...filters } = query;
  const { service: _service, ...service } = filters;
  const { name: _name, ...name } = filters;
  const { status: _status, ...status } = filters;
  const { model: _model, ...model } = filters;
  const { conversation: _conversation, ...conversation } = filters;
  return { service, name, status, model, conversation };
}

/** The filters each log facet counts under: the query's filters without the page fields and without the facet's own filter. */
export function logFacetQueries(query: LogQuery): Record<'service' | 'level', LogQuery> {
  const { cursor: _cursor, limit: _limit, order: _order, ...filters } = query;
  const { service: _service, ...service } = filters;
  const { levels: _levels, ...level } = filters;
  return { service, level };
}

/** The status facet from per-status trace counts: statuses without traces left out, most frequent first. */
export function statusFacet(counts: Readonly<Record<'error' | 'running' | 'ok', number | null | undefined>>): FacetValue[] {
  return (['error', 'running', 'ok'] as const)
    .map((value) => ({ value, count: counts[value] ?? 0 }))
    .filter((facet) => facet.count > 0)
    .sort((a, b) => b.count - a.count);
}
