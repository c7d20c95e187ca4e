import { DEFAULT_LIST_OPTIONS, listOptionsFromParams, listOptionsToParams, type ListOptions } from './listOptions.js';
import { logQueryFromParams, logQueryToParams, type LogViewQuery } from './logQuery.js';
import { rangeFromParams, rangeToParams, type TimeRange } from './timeRange.js';
import { queryFromParams, queryToParams, type TraceQuery } from './traceQuery.js';

/**
 * What the URL hash shows: the trace list with its filters (and, when not the default, its time range and
 * order), the logs, the live stream, one trace (and a selected span), or two traces compared.
 */
export type Route =
  | { view: 'list'; query: TraceQuery; options?: ListOptions }
  | { view: 'logs'; query: LogViewQuery }
  | { view: 'stream'; query: TraceQuery; range: TimeRange }
  | { view: 'trace'; traceId: string; spanId?: string }
  | { view: 'compare'; traceIds: [string, string] };

const HEX = /^[0-9a-f]+$/;

const isDefault = (options: ListOptions): boolean =>
  options.range.kind === 'all' && options.sort === DEFAULT_LIST_OPTIONS.sort && options.order === DEFAULT_LIST_OPTIONS.order;

/**
 * Reads a location hash: `#/?q=...&service=...` is the list, `#/logs?...` the logs, `#/stream?...` the live
 * stream, `#/trace/<traceId>` a trace and `#/trace/<traceId>/span/<spanId>` a span in it, `#/compare/<traceId>/<traceId>` two traces side
 * by side. Anything else is the unfiltered list.
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const questionMark = path.indexOf('?');
  const parts = (questionMark === -1 ? path : path.slice(0, questionMark)).split('/').filter((part) => part !== '');
  const params = new URLSearchParams(questionMark === -1 ? '' : path.slice(questionMark + 1));
  if (parts[0] === 'trace' && parts[1] !== undefined) {
    const traceId = decodeURIComponent(parts[1]).toLowerCase();
    if (HEX.test(traceId)) {
      const spanId = parts[2] === 'span' && parts[3] !== undefined ? decodeURIComponent(parts[3]).toLowerCase() : undefined;
      return spanId !== undefined && HEX.test(spanId) ? { view: 'trace', traceId, spanId } : { view: 'trace', traceId };
    }
  }
  if (parts[0] === 'compare' && parts[1] !== undefined && parts[2] !== undefined) {
    const first = decodeURIComponent(parts[1]).toLowerCase();
    const second = decodeURIComponent(parts[2]).toLowerCase();
    if (HEX.test(first) && HEX.test(second)) return { view: 'compare', traceIds: [first, second] };
  }
  if (parts[0] === 'logs' && parts.length === 1) return { view: 'logs', query: logQueryFromParams(params) };
  if (parts[0] === 'stream' && parts.length === 1) return { view: 'stream', query: queryFromParams(params), range: rangeFromParams(params) };
  const options = listOptionsFromParams(params);
  return isDefault(options) ? { view: 'list', query: queryFromParams(params) } : { view: 'list', query: queryFromParams(params), options };
}

/** The location hash of a route (the inverse of `parseRoute`). */
export function routeHash(route: Route): string {
  if (route.view === 'compare') return `#/compare/${route.traceIds[0]}/${route.traceIds[1]}`;
  if (route.view === 'trace') return `#/trace/${route.traceId}${route.spanId !== undefined ? `/span/${route.spanId}` : ''}`;
  if (route.view === 'logs') {
    const params = logQueryToParams(route.query).toString();
    return params === '' ? '#/logs' : `#/logs?${params}`;
  }
  const params = queryToParams(route.query);
  if (route.view === 'stream') rangeToParams(route.range, params);
  else if (route.options !== undefined) listOptionsToParams(route.options, params);
  const text = params.toString();
  const base = route.view === 'stream' ? '#/stream' : '#/';
  return text === '' ? base : `${base}?${text}`;
}
