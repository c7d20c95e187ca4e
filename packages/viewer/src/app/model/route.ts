import { queryFromParams, queryToParams, type TraceQuery } from './traceQuery.js';

/** What the URL hash shows: the trace list with its filters, one trace (and a selected span), or two traces compared. */
export type Route = { view: 'list'; query: TraceQuery } | { view: 'trace'; traceId: string; spanId?: string } | { view: 'compare'; traceIds: [string, string] };

const HEX = /^[0-9a-f]+$/;

/**
 * Reads a location hash: `#/?q=...&service=...` is the list, `#/trace/<traceId>` a trace and
 * `#/trace/<traceId>/span/<spanId>` a span in it, `#/compare/<traceId>/<traceId>` two traces side by side.
 * Anything else is the unfiltered list.
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const questionMark = path.indexOf('?');
  const parts = (questionMark === -1 ? path : path.slice(0, questionMark)).split('/').filter((part) => part !== '');
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
  return { view: 'list', query: queryFromParams(new URLSearchParams(questionMark === -1 ? '' : path.slice(questionMark + 1))) };
}

/** The location hash of a route (the inverse of `parseRoute`). */
export function routeHash(route: Route): string {
  if (route.view === 'compare') return `#/compare/${route.traceIds[0]}/${route.traceIds[1]}`;
  if (route.view === 'trace') return `#/trace/${route.traceId}${route.spanId !== undefined ? `/span/${route.spanId}` : ''}`;
  const params = queryToParams(route.query).toString();
  return params === '' ? '#/' : `#/?${params}`;
}
