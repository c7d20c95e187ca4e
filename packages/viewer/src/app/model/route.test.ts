import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('routes in the URL hash', () => {
  it('reads the list, a trace and a span in a trace', () => {
    expect(parseRoute('')).toEqual({ view: 'list', query: { attrs: [] } });
    expect(parseRoute('#/')).toEqual({ view: 'list', query: { attrs: [] } });
    expect(parseRoute(`#/trace/${TRACE}`)).toEqual({ view: 'trace', traceId: TRACE });
    expect(parseRoute(`#/trace/${TRACE.toUpperCase()}/span/00F067AA0BA902B7`)).toEqual({ view: 'trace', traceId: TRACE, spanId: '00f067aa0ba902b7' });
  });

  it('reads two traces to compare, and treats a comparison with a bad or absent id as the list', () => {
    const other = 'a'.repeat(32);
    expect(parseRoute(`#/compare/${TRACE}/${other.toUpperCase()}`)).toEqual({ view: 'compare', traceIds: [TRACE, other] });
    expect(routeHash({ view: 'compare', traceIds: [TRACE, other] })).toBe(`#/compare/${TRACE}/${other}`);
    expect(parseRoute(`#/compare/${TRACE}`)).toEqual({ view: 'list', query: { attrs: [] } });
    expect(parseRoute(`#/compare/${TRACE}/<img>`)).toEqual({ view: 'list', query: { attrs: [] } });
  });

  it('reads list filters, ignoring unknown statuses and malformed attributes', () => {
    expect(parseRoute('#/?q=timeout&service=api&name=GET&status=error&attr=http.route%3D%2Fusers&attr=cached%3Dtrue&attr=bad')).toEqual({
      view: 'list',
      query: {
        q: 'timeout',
        service: 'api',
        name: 'GET',
        status: 'error',
        attrs: [
          { key: 'http.route', value: '/users' },
          { key: 'cached', value: 'true' },
        ],
      },
    });
    expect(parseRoute('#/?status=sleepy&q=%20')).toEqual({ view: 'list', query: { attrs: [] } });
  });

  it('treats ids that are not hex as the list, so a hash cannot smuggle anything into a request', () => {
    expect(parseRoute('#/trace/..%2F..%2Fapi')).toEqual({ view: 'list', query: { attrs: [] } });
    expect(parseRoute(`#/trace/${TRACE}/span/<img>`)).toEqual({ view: 'trace', traceId: TRACE });
  });

  it('writes hashes that read back into the same route', () => {
    const routes: Route[] = [
      { view: 'list', query: { attrs: [] } },
      { view: 'list', query: { q: 'a b&c', status: 'running', attrs: [{ key: 'k', value: 'v=w' }] } },
      { view: 'trace', traceId: TRACE },
      { view: 'trace', traceId: TRACE, spanId: '00f067aa0ba902b7' },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
    expect(routeHash({ view: 'list', query: { attrs: [] } })).toBe('#/');
  });
});

describe('routes of the logs, the live stream and list options', () => {
  it('reads and writes the logs view, the stream and a sorted, time-cut list', () => {
    const routes: Route[] = [
      { view: 'logs', query: { attrs: [], range: { kind: 'all' }, oldestFirst: false } },
      {
        view: 'logs',
        query: {
          q: 'timeout',
          level: 'warn',
          service: 'api',
          attrs: [{ key: 'k', value: 'v' }],
          traceId: TRACE,
          range: { kind: 'last', preset: '1h' },
          oldestFirst: true,
        },
      },
      { view: 'stream', query: { attrs: [], status: 'error' }, range: { kind: 'last', preset: '5m' } },
      {
        view: 'list',
        query: { attrs: [] },
        options: { range: { kind: 'custom', fromUs: 1_761_480_000_123_456, toUs: 1_761_480_060_000_000 }, sort: 'duration', order: 'asc' },
      },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route)), routeHash(route)).toEqual(route);
    expect(routeHash(routes[0]!)).toBe('#/logs');
    expect(routeHash({ view: 'stream', query: { attrs: [] }, range: { kind: 'all' } })).toBe('#/stream');
    expect(routeHash({ view: 'list', query: { attrs: [] }, options: { range: { kind: 'last', preset: '24h' }, sort: 'errors', order: 'desc' } })).toBe(
      '#/?range=24h&sort=errors',
    );
    expect(parseRoute('#/logs?level=loud&trace=<x>')).toEqual({ view: 'logs', query: { attrs: [], range: { kind: 'all' }, oldestFirst: false } });
  });
});
