import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endLine, logLine, spanIdOf, spanLines, startLine, T0_US, traceIdOf } from '@aitrace/testing';
import type { SpanStats, TracePage } from '@aitrace/server';
import { jsonl, openEventStream, readJson, startTestServer, type TestServer } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

describe('query API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const lines = [
      ...spanLines({
        trace: traceIdOf(1),
        span: spanIdOf(1),
        name: 'GET /users',
        startMs: 0,
        endMs: 40,
        service: 'api',
        attrs: { 'http.route': '/users', 'http.status_code': 200 },
      }),
      ...spanLines({
        trace: traceIdOf(1),
        span: spanIdOf(2),
        parent: spanIdOf(1),
        name: 'db.query',
        startMs: 5,
        endMs: 30,
        service: 'api',
        attrs: { 'db.statement': 'SELECT * FROM users' },
      }),
      ...spanLines({
        trace: traceIdOf(2),
        span: spanIdOf(3),
        name: 'POST /pay',
        startMs: 1000,
        endMs: 1300,
        status: 'error',
        service: 'payments',
        attrs: { 'http.route': '/pay', note: "Robert'); DROP TABLE spans;--" },
      }),
      startLine({ trace: traceIdOf(3), span: spanIdOf(4), name: 'job.run', startMs: 2000, service: 'worker', attrs: { queue: 'emails' } }),
      logLine('job.progress', 2001, { trace: traceIdOf(3), span: spanIdOf(4), attrs: { done: 10 }, service: 'worker' }),
    ];
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl(lines) })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  async function traceIds(query: string): Promise<string[]> {
    const response = await server.request(`/api/traces?${query}`);
    expect(response.status).toBe(200);
    return (await readJson<TracePage>(response)).traces.map((t) => t.traceId);
  }

  it('lists trace summaries newest first with every documented field', async () => {
    const body = await readJson<TracePage>(await server.request('/api/traces'));
    expect(body.nextCursor).toBeNull();
    expect(body.traces.map((t) => t.rootName)).toEqual(['job.run', 'POST /pay', 'GET /users']);
    expect(body.traces[0]).toEqual({
      traceId: traceIdOf(3),
      rootName: 'job.run',
      rootSpanId: spanIdOf(4),
      service: 'worker',
      startUs: T0_US + 2_000_000,
      endUs: null,
      durationMs: null,
      spanCount: 1,
      errorCount: 0,
      runningCount: 1,
      recordCount: 2,
      lastUs: T0_US + 2_001_000,
      inputTokens: null,
      outputTokens: null,
      models: [],
      conversations: [],
    });
  });

  it('filters by service, name, status, time range, attributes and text', async () => {
    expect(await traceIds('service=payments')).toEqual([traceIdOf(2)]);
    expect(await traceIds('name=db.query')).toEqual([traceIdOf(1)]);
    expect(await traceIds('status=error')).toEqual([traceIdOf(2)]);
    expect(await traceIds('status=running')).toEqual([traceIdOf(3)]);
    expect(await traceIds('status=ok')).toEqual([traceIdOf(1)]);
    expect(await traceIds(`from=${T0_US + 500_000}&to=${T0_US + 1_500_000}`)).toEqual([traceIdOf(2)]);
    expect(await traceIds('from=2025-10-26T12:00:01.5Z')).toEqual([traceIdOf(3)]);
    expect(await traceIds(`attr=${encodeURIComponent('http.route=/users')}`)).toEqual([traceIdOf(1)]);
    expect(await traceIds(`attr=${encodeURIComponent('http.status_code=200')}&attr=${encodeURIComponent('http.route=/users')}`)).toEqual([traceIdOf(1)]);
    expect(await traceIds(`attr=${encodeURIComponent('done=10')}`)).toEqual([traceIdOf(3)]);
    expect(await traceIds('q=select')).toEqual([traceIdOf(1)]);
    expect(await traceIds('q=emails')).toEqual([traceIdOf(3)]);
    expect(await traceIds(`q=${traceIdOf(2).toUpperCase()}`)).toEqual([traceIdOf(2)]);
  });

  it('treats SQL injection strings in every filter as plain values', async () => {
    // 'SELECT_*' would match "SELECT * FROM users" if `_` were a LIKE wildcard.
    const hostile = ["' OR '1'='1", "1' OR 1=1 --", '" OR ""="', "x'); DELETE FROM traces; --", '%', 'SELECT_*'];
    for (const value of hostile) {
      const v = encodeURIComponent(value);
      expect(await traceIds(`service=${v}`)).toEqual([]);
      expect(await traceIds(`name=${v}`)).toEqual([]);
      expect(await traceIds(`q=${v}`), value).toEqual([]);
      expect(await traceIds(`attr=${encodeURIComponent(`${value}=${value}`)}`)).toEqual([]);
      expect((await server.request(`/api/traces/${v}`)).status).toBe(404);
    }
    expect(await traceIds(`attr=${encodeURIComponent("note=Robert'); DROP TABLE spans;--")}`)).toEqual([traceIdOf(2)]);
    expect(await server.store.countRows()).toBe(5);
  });

  it('streams a trace as NDJSON records, parents first, the same records as the JSON answer', async () => {
    const json = await readJson<{ records: Array<{ spanId?: string; event: string }> }>(await server.request(`/api/traces/${traceIdOf(1)}`));
    // By time a span sits at its end: the child (ended at 30 ms) comes before its parent (ended at 40 ms).
    expect(json.records.map((r) => r.spanId)).toEqual([spanIdOf(2), spanIdOf(1)]);
    const response = await server.request(`/api/traces/${traceIdOf(1)}?format=records`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const streamed = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { spanId?: string });
    expect(streamed.map((r) => r.spanId)).toEqual([spanIdOf(1), spanIdOf(2)]);
    expect([...streamed].reverse()).toEqual(json.records);
    expect((await server.request(`/api/traces/${traceIdOf(9)}?format=records`)).status).toBe(404);
    const bad = await server.request(`/api/traces/${traceIdOf(1)}?format=xml`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('format must be json, records or jsonl');
  });

  it('answers 400 naming the parameter for bad query values', async () => {
    const cases: Array<[string, RegExp]> = [
      ['status=broken', /status must be one of error, running, ok/],
      ['from=yesterday', /from must be an ISO-8601 timestamp/],
      ['limit=-1', /limit must be a whole number/],
      ['limit=5000', /limit must be a whole number from 1 to 1000/],
      ['attr=novalue', /attr must be key=value/],
      ['cursor=abc', /cursor is not valid/],
      ['servce=api', /unknown query parameter "servce"/],
      [`filter=${encodeURIComponent('status:ok stauts:error')}`, /filter: column 11: "stauts:error": unknown field "stauts"/],
      [`filter=${encodeURIComponent('status:done')}`, /filter: column 1: "status:done": status must be one of error, running, ok/],
      [`filter=${encodeURIComponent('name:"open')}`, /filter: column 1: "name:\\"open": the quoted part has no closing "/],
      [`service=api&filter=${encodeURIComponent('service:web')}`, /filter: column 1: "service:web": service: is already given/],
    ];
    for (const [query, message] of cases) {
      const response = await server.request(`/api/traces?${query}`);
      expect(response.status, query).toBe(400);
      expect((await readJson(response)).error).toMatch(message);
    }
  });

  it('pages with limit and cursor', async () => {
    const first = await readJson<TracePage>(await server.request('/api/traces?limit=2'));
    expect(first.traces).toHaveLength(2);
    const second = await readJson<TracePage>(await server.request(`/api/traces?limit=2&cursor=${first.nextCursor}`));
    expect(second.traces.map((t) => t.traceId)).toEqual([traceIdOf(1)]);
    expect(second.nextCursor).toBeNull();
  });

  it('reports per-name span statistics', async () => {
    const body = await readJson<{ spans: SpanStats[] }>(await server.request('/api/stats'));
    expect(body.spans).toContainEqual({ name: 'POST /pay', count: 1, errors: 1, running: 0, p50Ms: 300, p95Ms: 300, maxMs: 300 });
    expect(body.spans).toContainEqual({ name: 'job.run', count: 1, errors: 0, running: 1, p50Ms: null, p95Ms: null, maxMs: null });
    const api = await readJson<{ spans: SpanStats[] }>(await server.request('/api/stats?service=api'));
    expect(api.spans.map((s) => s.name).sort()).toEqual(['GET /users', 'db.query']);
  });

  it('answers unknown API routes with 404 JSON, and health without data', async () => {
    const missing = await server.request('/api/nothing');
    expect(missing.status).toBe(404);
    expect((await readJson(missing)).error).toMatch(/no API route/);
    expect(await readJson<unknown>(await server.request('/api/health'))).toEqual({ status: 'ok', auth: false });
  });

  // Last, as it adds a trace: a chat span in a trace of its own.
  it('filters by model and conversation, and reports token totals', async () => {
    const chat = spanLines({
      trace: traceIdOf(9),
      span: spanIdOf(9),
      name: 'chat',
      startMs: 3000,
      endMs: 3020,
      service: 'api',
      attrs: {
        'gen_ai.request.model': 'llama3',
        'gen_ai.conversation.id': 'conv 7',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 5,
        prompt: 'SELECT a model',
      },
    });
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl(chat) })).status).toBe(200);
    expect(await traceIds('model=llama3')).toEqual([traceIdOf(9)]);
    expect(await traceIds('model=gpt-4o')).toEqual([]);
    expect(await traceIds(`conversation=${encodeURIComponent('conv 7')}`)).toEqual([traceIdOf(9)]);
    const body = await readJson<TracePage>(await server.request('/api/traces?model=llama3'));
    expect(body.traces[0]).toMatchObject({ inputTokens: 12, outputTokens: 5, models: ['llama3'], conversations: ['conv 7'] });
  });

  it('reads the filter text into the same filters as the parameters', async () => {
    const filter = async (text: string) => traceIds(`filter=${encodeURIComponent(text)}`);
    expect(await filter('service:payments')).toEqual(await traceIds('service=payments'));
    expect(await filter('status:error')).toEqual([traceIdOf(2)]);
    expect(await filter('name:"POST /pay"')).toEqual([traceIdOf(2)]);
    expect(await filter('http.route=/users')).toEqual([traceIdOf(1)]);
    expect(await filter('model:llama3 conversation:"conv 7" SELECT')).toEqual([traceIdOf(9)]);
    expect(await filter('"select * from"')).toEqual([traceIdOf(1)]);
    expect(await filter('emails status:running')).toEqual([traceIdOf(3)]);
    expect(await traceIds(`service=api&filter=${encodeURIComponent('status:error')}`)).toEqual([]);
  });
});

describe('bearer token', () => {
  let server: TestServer;
  const token = 's3cret-token';
  beforeAll(async () => {
    server = await startTestServer({ token });
  });
  afterAll(async () => {
    await server.stop();
  });

  const endpoints: Array<[string, RequestInit]> = [
    ['/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([logLine('x', 1)]) }],
    ['/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"resourceSpans":[]}' }],
    ['/v1/logs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"resourceLogs":[]}' }],
    ['/api/traces', {}],
    [`/api/traces/${traceIdOf(1)}`, {}],
    ['/api/stats', {}],
    ['/api/events', {}],
  ];

  it('answers 401 on every data endpoint without the token or with a wrong one', async () => {
    for (const [path, init] of endpoints) {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${token}x`, `Basic ${token}`, 'Bearer ']) {
        const headers = { ...(init.headers as Record<string, string> | undefined), ...(authorization ? { Authorization: authorization } : {}) };
        const response = await server.request(path, { ...init, headers });
        expect(response.status, `${path} with ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        await response.body?.cancel();
      }
    }
    expect(await server.store.countRows()).toBe(0);
  });

  it('lets requests with the right token through, and EventSource-style GETs with access_token', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const ingest = await server.request('/api/ingest', {
      method: 'POST',
      headers: { ...NDJSON, ...auth },
      body: jsonl([logLine('x', 1, { trace: traceIdOf(1) })]),
    });
    expect(ingest.status).toBe(200);
    expect((await server.request('/api/traces', { headers: auth })).status).toBe(200);
    expect((await server.request(`/api/traces?access_token=${token}`)).status).toBe(200);
    // A token in the query string is not accepted for writes.
    expect((await server.request(`/api/ingest?access_token=${token}`, { method: 'POST', headers: NDJSON, body: jsonl([logLine('x', 1)]) })).status).toBe(401);
    const stream = await openEventStream(new URL(`/api/events?access_token=${token}`, server.url));
    expect(stream.response.status).toBe(200);
    expect((await stream.next()).event).toBe('ready');
    stream.close();
    expect(await readJson<unknown>(await server.request('/api/health'))).toEqual({ status: 'ok', auth: true });
  });
});

describe('a trace larger than one written chunk', () => {
  let server: TestServer;
  const trace = traceIdOf(7);
  const spans = Array.from({ length: 2500 }, (_, n) => ({ trace, span: spanIdOf(n + 1), name: `step ${n}`, startMs: n, endMs: 5000 - n }));
  beforeAll(async () => {
    server = await startTestServer();
    const body = jsonl(spans.map((span) => endLine(span)));
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('comes whole and in order in every format: JSON by time, NDJSON records by start, a JSONL file', async () => {
    const byStart = spans.map((span) => span.name);
    const json = await readJson<{ records: Array<{ name: string }> }>(await server.request(`/api/traces/${trace}`));
    expect(json.records.map((r) => r.name)).toEqual([...byStart].reverse());
    const records = (await (await server.request(`/api/traces/${trace}?format=records`)).text()).trimEnd().split('\n');
    expect(records.map((line) => (JSON.parse(line) as { name: string }).name)).toEqual(byStart);
    const file = (await (await server.request(`/api/traces/${trace}?format=jsonl`)).text()).trimEnd().split('\n');
    expect(file.map((line) => (JSON.parse(line) as { __tracer_meta__: { name: string } }).__tracer_meta__.name)).toEqual([...byStart].reverse());
  });
});
