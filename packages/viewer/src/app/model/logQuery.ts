import { LEVEL_NAMES, type LevelName } from '@aitrace/format';
import { rangeFromParams, rangeToParams, type TimeRange } from './timeRange.js';
import { queryFromParams, queryToParams, type AttrFilter } from './traceQuery.js';

/** The logs view's filters (the server's `GET /api/logs` parameters) and its time range and order. */
export interface LogViewQuery {
  q?: string;
  /** Least level shown (`warn`: warn, error, fatal). */
  level?: LevelName;
  service?: string;
  attrs: AttrFilter[];
  /** Only the logs of this trace. */
  traceId?: string;
  range: TimeRange;
  /** Oldest first instead of newest first. */
  oldestFirst: boolean;
}

const isLevel = (text: string | null): text is LevelName => (LEVEL_NAMES as readonly (string | null)[]).includes(text);

/** Reads the logs view from URL parameters; unknown or malformed values are ignored. */
export function logQueryFromParams(params: URLSearchParams): LogViewQuery {
  // Text, service and attributes read as the trace list reads them.
  const { q, service, attrs } = queryFromParams(params);
  const query: LogViewQuery = { attrs: attrs ?? [], range: rangeFromParams(params), oldestFirst: params.get('order') === 'asc' };
  if (q !== undefined) query.q = q;
  if (service !== undefined) query.service = service;
  const level = params.get('level');
  if (isLevel(level)) query.level = level;
  const trace = params.get('trace')?.trim().toLowerCase();
  if (trace !== undefined && /^[0-9a-f]+$/.test(trace)) query.traceId = trace;
  return query;
}

/** The logs view as URL parameters: the filters as `GET /api/logs` takes them, the range as the picker writes it. */
export function logQueryToParams(query: LogViewQuery): URLSearchParams {
  const params = queryToParams({
    attrs: query.attrs,
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(query.service !== undefined ? { service: query.service } : {}),
  });
  if (query.level !== undefined) params.set('level', query.level);
  if (query.traceId !== undefined) params.set('trace', query.traceId);
  rangeToParams(query.range, params);
  if (query.oldestFirst) params.set('order', 'asc');
  return params;
}
