import { parseTimestamp } from '@aitrace/format';
import { FilterSyntaxError, isTraceStatus, TRACE_STATUSES, traceQueryFromText } from '@aitrace/forest';
import type { StatsQuery, TraceQuery } from '../store/TraceStore.js';
import { HttpError } from './HttpError.js';

const TRACE_PARAMS = ['service', 'service_version', 'environment', 'name', 'status', 'from', 'to', 'attr', 'model', 'conversation', 'q', 'filter', 'limit', 'cursor', 'access_token'];
const STATS_PARAMS = ['service', 'service_version', 'environment', 'from', 'to', 'access_token'];

function checkKnown(params: URLSearchParams, known: readonly string[]): void {
  for (const key of new Set(params.keys())) {
    if (!known.includes(key)) throw new HttpError(400, `unknown query parameter ${JSON.stringify(key)}; known: ${known.filter((k) => k !== 'access_token').join(', ')}`);
  }
}

/** A time parameter: an ISO-8601 timestamp or whole epoch microseconds. */
function timeParam(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  const us = /^\d+$/.test(text) ? Number(text) : parseTimestamp(text);
  if (!Number.isSafeInteger(us)) throw new HttpError(400, `${name} must be an ISO-8601 timestamp (2025-10-26T12:34:15Z) or epoch microseconds, got ${JSON.stringify(text)}`);
  return us;
}

function textParam(params: URLSearchParams, name: string): string | undefined {
  const text = params.get(name);
  return text === null || text === '' ? undefined : text;
}

/**
 * Reads the trace-list query string (`service`, `service_version`, `environment`, `name`, `status`, `from`, `to`,
 * `attr=key=value`..., `model`, `conversation`, `q`, `filter`, `limit`, `cursor`); `filter` is a filter text
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
  const attrs = params.getAll('attr').map((pair) => {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new HttpError(400, `attr must be key=value (like attr=http.route=/users), got ${JSON.stringify(pair)}`);
    return { key: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
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
  const limit = textParam(params, 'limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) throw new HttpError(400, `limit must be a whole number, got ${JSON.stringify(limit)}`);
    query.limit = Number(limit);
  }
  const cursor = textParam(params, 'cursor');
  if (cursor !== undefined) query.cursor = cursor;
  return query;
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
