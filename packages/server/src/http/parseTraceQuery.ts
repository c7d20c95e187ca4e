import { parseTimestamp } from '@aitrace/format';
import { FilterSyntaxError, isTraceStatus, TRACE_SORTS, TRACE_STATUSES, traceQueryFromText, type SortOrder, type TraceSort } from '@aitrace/forest';
import type { StatsQuery, TraceQuery } from '../store/TraceStore.js';
import { HttpError } from './HttpError.js';

const TRACE_PARAMS = [
  'service',
  'service_version',
  'environment',
  'name',
  'status',
  'from',
  'to',
  'attr',
  'model',
  'conversation',
  'q',
  'filter',
  'sort',
  'order',
  'limit',
  'cursor',
  'access_token',
];
const STATS_PARAMS = ['service', 'service_version', 'environment', 'from', 'to', 'access_token'];

/** Refuses a parameter that is not in `known`, naming it and the known ones. */
export function checkKnown(params: URLSearchParams, known: readonly string[]): void {
  for (const key of new Set(params.keys())) {
    if (!known.includes(key))
      throw new HttpError(400, `unknown query parameter ${JSON.stringify(key)}; known: ${known.filter((k) => k !== 'access_token').join(', ')}`);
  }
}

/** A time parameter: an ISO-8601 timestamp or whole epoch microseconds. */
export function timeParam(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  const us = /^\d+$/.test(text) ? Number(text) : parseTimestamp(text);
  if (!Number.isSafeInteger(us))
    throw new HttpError(400, `${name} must be an ISO-8601 timestamp (2025-10-26T12:34:15Z) or epoch microseconds, got ${JSON.stringify(text)}`);
  return us;
}

/** A parameter's text; undefined when missing or empty. */
export function textParam(params: URLSearchParams, name: string): string | undefined {
  const text = params.get(name);
  return text === null || text === '' ? undefined : text;
}

/**
 * Reads the trace-list query string (`service`, `service_version`, `environment`, `name`, `status`, `from`, `to`,
 * `attr=key=value`..., `model`, `conversation`, `q`, `filter`, `sort`, `order`, `limit`, `cursor`); `filter` is a filter text
 * (forest's `parseFilterText`) whose terms add to the other parameters.
 */
export function parseTraceQuery(params: URLSearchParams): TraceQuery {
  checkKnown(params, TRACE_PARAMS);
  const query: TraceQuery = parseStatsFilters(params);
  const name = textParam(params, 'name');
  if (name !== undefined) query.name = name;
  const status = textParam(params, 'status');
  if (status !== undefined) {
    if (!isTraceStatus(status)) throw new HttpError(400, `status must be one of ${TRACE_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
    query.status = status;
  }
  const attrs = attrParams(params);
  if (attrs.length > 0) query.attrs = attrs;
  for (const field of ['model', 'conversation'] as const) {
    const value = textParam(params, field);
    if (value !== undefined) query[field] = value;
  }
  const q = textParam(params, 'q');
  if (q !== undefined) query.q = q;
  const filter = textParam(params, 'filter');
  if (filter !== undefined) {
    try {
      Object.assign(query, traceQueryFromText(filter, query));
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new HttpError(400, `filter: ${error.message}`);
      throw error;
    }
  }
  const sort = textParam(params, 'sort');
  if (sort !== undefined) {
    if (!(TRACE_SORTS as readonly string[]).includes(sort))
      throw new HttpError(400, `sort must be one of ${TRACE_SORTS.join(', ')}, got ${JSON.stringify(sort)}`);
    query.sort = sort as TraceSort;
  }
  const order = orderParam(params);
  if (order !== undefined) query.order = order;
  Object.assign(query, pageParams(params));
  return query;
}

/** The `attr=key=value` parameters (any number). */
export function attrParams(params: URLSearchParams): Array<{ key: string; value: string }> {
  return params.getAll('attr').map((pair) => {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new HttpError(400, `attr must be key=value (like attr=http.route=/users), got ${JSON.stringify(pair)}`);
    return { key: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}

/** The `order` parameter: `desc` (largest, newest first) or `asc`. */
export function orderParam(params: URLSearchParams): SortOrder | undefined {
  const order = textParam(params, 'order');
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new HttpError(400, `order must be desc (newest or largest first) or asc, got ${JSON.stringify(order)}`);
  return order;
}

/** The `limit` and `cursor` parameters of a paged list. */
export function pageParams(params: URLSearchParams): { limit?: number; cursor?: string } {
  const page: { limit?: number; cursor?: string } = {};
  const limit = textParam(params, 'limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) throw new HttpError(400, `limit must be a whole number, got ${JSON.stringify(limit)}`);
    page.limit = Number(limit);
  }
  const cursor = textParam(params, 'cursor');
  if (cursor !== undefined) page.cursor = cursor;
  return page;
}

/** Reads the stats query string (`service`, `service_version`, `environment`, `from`, `to`). */
export function parseStatsQuery(params: URLSearchParams): StatsQuery {
  checkKnown(params, STATS_PARAMS);
  return parseStatsFilters(params);
}

/** The filters the trace list and the stats share. */
function parseStatsFilters(params: URLSearchParams): StatsQuery {
  const query: StatsQuery = {};
  const service = textParam(params, 'service');
  if (service !== undefined) query.service = service;
  const serviceVersion = textParam(params, 'service_version');
  if (serviceVersion !== undefined) query.serviceVersion = serviceVersion;
  const environment = textParam(params, 'environment');
  if (environment !== undefined) query.environment = environment;
  const fromUs = timeParam(params, 'from');
  if (fromUs !== undefined) query.fromUs = fromUs;
  const toUs = timeParam(params, 'to');
  if (toUs !== undefined) query.toUs = toUs;
  return query;
}
