import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endLine, logLine, spanIdOf, spanLines, startLine, T0_US, traceIdOf } from '@aitrace/testing';
import type { Facets, LogPage, TracePage } from '@aitrace/server';
import { jsonl, openEventStream, readJson, startTestServer, type TestServer } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

describe('GET /api/logs, GET /api/facets, sorted /api/traces and the all-records live stream', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const lines = [
      logLine('listening', 0, { service: 'api', attrs: { port: 4000 } }),
      ...spanLines({ trace: traceIdOf(1), span: spanIdOf(1), name: 'GET /users', startMs: 10, endMs: 50, service: 'api' }),
      logLine('users.loaded', 20, { trace: traceIdOf(1), span: spanIdOf(1), service: 'api', attrs: { count: 3 } }),
      ...spanLines({ trace: traceIdOf(2), span: spanIdOf(2), name: 'POST /pay', startMs: 100, endMs: 900, status: 'error', service: 'payments' }),
      ...spanLines({
        trace: traceIdOf(2),
        span: spanIdOf(3),
        parent: spanIdOf(2),
        name: 'charge',
        startMs: 110,
        endMs: 800,
        status: 'error',
        service: 'payments',
      }),
    ];
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl(lines) })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists logs outside any trace and in traces, filtered and paged over HTTP', async () => {
    const all = await readJson<LogPage>(await server.request('/api/logs'));
    expect(all.logs.map((r) => r.event)).toEqual(['users.loaded', 'listening']);
    expect(all.logs[1]).toMatchObject({ event: 'listening', service: 'api', attrs: { port: 4000 } });
    expect(all.logs[1]!.traceId).toBeUndefined();
    const scoped = await readJson<LogPage>(
      await server.request(`/api/logs?trace=${traceIdOf(1).toUpperCase()}&level=info&attr=count%3D3&q=LOADED&from=${T0_US}&to=2025-10-26T12:00:01Z`),
    );
    expect(scoped.logs.map((r) => r.event)).toEqual(['users.loaded']);
    const first = await readJson<LogPage>(await server.request('/api/logs?order=asc&limit=1'));
    expect(first.logs.map((r) => r.event)).toEqual(['listening']);
    const second = await readJson<LogPage>(await server.request(`/api/logs?order=asc&limit=1&cursor=${first.nextCursor}`));
    expect(second.logs.map((r) => r.event)).toEqual(['users.loaded']);
    expect(second.nextCursor).toBeNull();
    expect((await readJson<LogPage>(await server.request('/api/logs?level=WARNING'))).logs).toEqual([]);
  });

  it('answers 400 naming the parameter for bad log, facet, sort and stream parameters', async () => {
    const first = await readJson<LogPage>(await server.request('/api/logs?limit=1'));
    const cases: Array<[string, RegExp]> = [
      ['/api/logs?level=loud', /level must be one of trace, debug, info, warn, error, fatal .*"loud"/],
      ['/api/logs?level=info,nope', /level must be one of .*"nope"/],
      ['/api/logs?from=yesterday', /from must be an ISO-8601 timestamp/],
      ['/api/logs?from=2025-10-27T00:00:00Z&to=2025-10-26T00:00:00Z', /from must not be later than to/],
      ['/api/logs?trace=not-hex', /trace must be a hex trace id/],
      ['/api/logs?order=newest', /order must be desc .* or asc/],
      ['/api/logs?limit=0', /limit must be a whole number from 1 to 1000/],
      ['/api/logs?limit=x', /limit must be a whole number/],
      ['/api/logs?attr=novalue', /attr must be key=value/],
      ['/api/logs?cursor=abc', /cursor is not valid/],
      [`/api/logs?order=asc&cursor=${first.nextCursor}`, /cursor belongs to the newest-first list/],
      ['/api/logs?status=error', /unknown query parameter "status"/],
      ['/api/facets?scope=spans', /scope must be traces or logs/],
      ['/api/facets?scope=logs&name=x', /unknown query parameter "name"/],
      ['/api/facets?level=warn', /unknown query parameter "level"/],
      ['/api/facets?status=broken', /status must be one of error, running, ok/],
      ['/api/traces?sort=size', /sort must be one of start, duration, spans, errors/],
      ['/api/traces?order=up', /order must be desc/],
      ['/api/events?records=some', /records must be all/],
    ];
    for (const [path, message] of cases) {
      const response = await server.request(path);
      expect(response.status, path).toBe(400);
      expect((await readJson(response)).error, path).toMatch(message);
    }
  });

  it('answers facets for traces and for logs under the list filters', async () => {
    const traces = await readJson<Facets>(await server.request('/api/facets?service=payments'));
    expect(traces.service).toEqual([
      { value: 'api', count: 1 },
      { value: 'payments', count: 1 },
    ]);
    expect(traces.name).toEqual([
      { value: 'POST /pay', count: 1 },
      { value: 'charge', count: 1 },
    ]);
    expect(traces.status).toEqual([{ value: 'error', count: 1 }]);
    const logs = await readJson<Facets>(await server.request('/api/facets?scope=logs&level=info'));
    expect(logs.level).toEqual([{ value: 'info', count: 2 }]);
    expect(logs.service).toEqual([{ value: 'api', count: 2 }]);
  });

  it('sorts the trace list by duration and pages in that order', async () => {
    const page = await readJson<TracePage>(await server.request('/api/traces?sort=duration&limit=1'));
    expect(page.traces.map((t) => t.rootName)).toEqual(['POST /pay']);
    const next = await readJson<TracePage>(await server.request(`/api/traces?sort=duration&limit=1&cursor=${page.nextCursor}`));
    expect(next.traces.map((t) => t.rootName)).toEqual(['GET /users']);
    const asc = await readJson<TracePage>(await server.request('/api/traces?sort=spans&order=asc'));
    expect(asc.traces.map((t) => t.rootName)).toEqual(['GET /users', 'POST /pay']);
  });

  it('streams every stored record, across traces and outside any, to records=all subscribers', async () => {
    const stream = await openEventStream(new URL('/api/events?records=all', server.url));
    expect(await stream.next()).toEqual({ event: 'ready', data: { allRecords: true } });
    const job = { trace: traceIdOf(7), span: spanIdOf(7), name: 'job', startMs: 2000 };
    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([startLine(job), logLine('tick', 2001, { service: 'cron' })]) });
    const started = await stream.next((e) => e.event === 'records');
    expect(started.data).toMatchObject({
      traceId: null,
      records: [
        { type: 'span_start', name: 'job' },
        { type: 'log', event: 'tick', service: 'cron' },
      ],
    });
    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([endLine({ ...job, endMs: 2500 })]) });
    const ended = await stream.next((e) => e.event === 'records');
    expect(ended.data).toMatchObject({ records: [{ type: 'span_end', name: 'job', durationMs: 500 }] });
    stream.close();
  });
});
