import type * as crypto from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logLine, spanLines, traceIdOf, spanIdOf } from '@aitrace/testing';
import { tempDir } from '../reliability/support.js';
import { jsonl, startTestServer, type TestServer } from '../server/harness.js';
import { rawRequest } from './rawHttp.js';

// Every comparison the server makes goes through this spy, so the test sees what is compared with what.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = 'tok_9fK2mQ7xV1pL4sR8nB3cZ6wY0dT5hJ'; // 34 characters
const SECRET = 'SECRET-4242-card-number';
const TRACE = traceIdOf(0x5ec);
const NDJSON = 'application/x-ndjson';

/** Wrong tokens of every length from 0 to the token's length + 3: prefixes, extensions and one-character changes. */
function wrongTokens(): string[] {
  const wrong = new Set<string>();
  for (let length = 0; length <= TOKEN.length + 3; length++) {
    if (length < TOKEN.length) wrong.add(TOKEN.slice(0, length));
    if (length > TOKEN.length) wrong.add(TOKEN + 'x'.repeat(length - TOKEN.length));
    wrong.add('z'.repeat(length));
  }
  wrong.add(`${TOKEN.slice(0, -1)}K`);
  wrong.add(`A${TOKEN.slice(1)}`);
  wrong.add(TOKEN.toUpperCase());
  wrong.delete(TOKEN);
  return [...wrong];
}

/** Authorization headers that must not pass: no token, the token in the wrong scheme or form, a wrong token first. */
function badAuthorizations(): Array<Record<string, string | string[]>> {
  return [
    {},
    ...wrongTokens().map((token) => ({ Authorization: `Bearer ${token}` })),
    { Authorization: 'Bearer' },
    { Authorization: `Bearer${TOKEN}` },
    { Authorization: `Bearer ${TOKEN} extra` },
    { Authorization: `Bearer "${TOKEN}"` },
    { Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` },
    { Authorization: TOKEN },
    { Authorization: `Token ${TOKEN}` },
    { Authorization: `Bearer ${TOKEN}, Bearer ${TOKEN}` },
    // Node keeps the first of repeated Authorization headers.
    { Authorization: ['Bearer wrong', `Bearer ${TOKEN}`] },
    { Cookie: `token=${TOKEN}`, 'X-Api-Key': TOKEN },
  ];
}

const otlpSpan = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: traceIdOf(0xbad),
              spanId: spanIdOf(1),
              name: 'sneaky',
              startTimeUnixNano: '1761480000000000000',
              endTimeUnixNano: '1761480001000000000',
            },
          ],
        },
      ],
    },
  ],
});
const otlpLog = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1761480000000000000', body: { stringValue: 'sneaky' } }] }] }] });

/** Every data endpoint, with the method and body it takes. */
const ENDPOINTS: Array<{ method: string; path: string; body?: string; type?: string }> = [
  { method: 'GET', path: '/api/traces' },
  { method: 'GET', path: `/api/traces?q=${SECRET}` },
  { method: 'GET', path: `/api/traces/${TRACE}` },
  { method: 'GET', path: `/api/traces/${TRACE}?format=jsonl` },
  { method: 'GET', path: '/api/stats' },
  { method: 'GET', path: '/api/events' },
  { method: 'GET', path: `/api/events?trace=${TRACE}` },
  { method: 'GET', path: '/api/no-such-route' },
  { method: 'POST', path: '/api/ingest', body: jsonl([logLine('sneaky', 1, { trace: traceIdOf(0xbad) })]), type: NDJSON },
  { method: 'POST', path: '/v1/traces', body: otlpSpan, type: 'application/json' },
  { method: 'POST', path: '/v1/logs', body: otlpLog, type: 'application/json' },
  { method: 'HEAD', path: '/api/traces' },
  { method: 'OPTIONS', path: '/api/traces' },
  { method: 'DELETE', path: `/api/traces/${TRACE}` },
  { method: 'PUT', path: '/api/ingest', body: jsonl([logLine('sneaky', 1)]), type: NDJSON },
];

describe('the bearer token', () => {
  let server: TestServer;
  let rows: number;
  beforeAll(async () => {
    const viewer = tempDir('viewer');
    mkdirSync(join(viewer, 'assets'));
    writeFileSync(join(viewer, 'index.html'), '<!doctype html><title>aitrace</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(viewer, 'assets', 'app.js'), 'fetch("/api/traces")');
    server = await startTestServer({ token: TOKEN, viewerDir: viewer });
    const lines = [
      ...spanLines({ trace: TRACE, span: spanIdOf(1), name: 'checkout', startMs: 0, endMs: 5, service: 'shop', attrs: { card: SECRET } }),
      logLine('paid', 2, { trace: TRACE, attrs: { card: SECRET } }),
    ];
    const seeded = await server.request('/api/ingest', {
      method: 'POST',
      headers: { 'Content-Type': NDJSON, Authorization: `Bearer ${TOKEN}` },
      body: jsonl(lines),
    });
    expect(seeded.status).toBe(200);
    rows = await server.store.countRows();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers 401, with no data, on every data endpoint to a missing, malformed or wrong token of any length', { timeout: 60_000 }, async () => {
    const attempts = badAuthorizations();
    expect(attempts.length).toBeGreaterThan(TOKEN.length + 10);
    for (const endpoint of ENDPOINTS) {
      for (const authorization of attempts) {
        const headers = { ...authorization, ...(endpoint.type ? { 'Content-Type': endpoint.type } : {}) };
        const answer = await rawRequest(server.port, {
          method: endpoint.method,
          path: endpoint.path,
          headers,
          ...(endpoint.body ? { body: endpoint.body } : {}),
        });
        const context = `${endpoint.method} ${endpoint.path} with ${JSON.stringify(authorization)}`;
        expect(answer.status, context).toBe(401);
        expect(answer.headers['www-authenticate'], context).toBe('Bearer realm="aitrace"');
        expect(answer.body, context).not.toContain(SECRET);
        expect(answer.body, context).not.toContain(TRACE);
      }
    }
    // A token in the query string counts only for GET (EventSource), and only the right one.
    for (const token of wrongTokens().slice(0, 12)) {
      for (const path of ['/api/traces', `/api/traces/${TRACE}`, '/api/events']) {
        expect((await rawRequest(server.port, { path: `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` })).status).toBe(401);
      }
    }
    const queryWrite = await rawRequest(server.port, {
      method: 'POST',
      path: `/api/ingest?access_token=${TOKEN}`,
      headers: { 'Content-Type': NDJSON },
      body: jsonl([logLine('sneaky', 1)]),
    });
    expect(queryWrite.status).toBe(401);
    expect(await server.store.countRows()).toBe(rows);
  });

  it('lets the right token through on every endpoint, which shows the 401s above hid real data', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const list = await rawRequest(server.port, { path: `/api/traces?q=${SECRET}`, headers: auth });
    expect(list.status).toBe(200);
    expect(list.body).toContain(TRACE);
    const trace = await rawRequest(server.port, { path: `/api/traces/${TRACE}`, headers: auth });
    expect(trace.body).toContain(SECRET);
    const stream = await rawRequest(server.port, { path: `/api/events?access_token=${TOKEN}` });
    expect([stream.status, stream.body]).toEqual([200, expect.stringContaining('event: ready')]);
    for (const endpoint of ENDPOINTS.filter((e) => e.method === 'POST')) {
      const answer = await rawRequest(server.port, {
        method: 'POST',
        path: endpoint.path,
        headers: { ...auth, 'Content-Type': endpoint.type! },
        body: endpoint.body!,
      });
      expect(answer.status, endpoint.path).toBe(200);
    }
  });

  it('serves only the static viewer without the token: no path reaches trace data', async () => {
    const paths = [
      '/',
      '/index.html',
      `/trace/${TRACE}`,
      '/assets/app.js',
      '//api/traces',
      '/api%2Ftraces',
      '/API/traces',
      '/api/../api/traces',
      '/v1',
      '/v1/../api/stats',
      '/%2e%2e/api/traces',
      `/api/traces/${TRACE}/../../traces`,
      '/./api/traces',
      '/api/traces/%2e%2e/stats',
      `/api/traces/${TRACE}%00`,
      '/api\\traces',
      '/api/health',
    ];
    for (const path of paths) {
      const answer = await rawRequest(server.port, { path });
      expect(answer.body, path).not.toContain(SECRET);
      expect(answer.body, path).not.toContain(TRACE);
      expect(answer.body, path).not.toContain('shop');
    }
    expect(JSON.parse((await rawRequest(server.port, { path: '/api/health' })).body)).toEqual({ status: 'ok', auth: true });
  });

  it('compares tokens in constant time: one timingSafeEqual over equal-length digests, whatever the length given', async () => {
    const spy = vi.mocked(timingSafeEqual);
    for (const token of [...wrongTokens(), TOKEN]) {
      spy.mockClear();
      await rawRequest(server.port, { path: '/api/stats', headers: { Authorization: `Bearer ${token}` } });
      if (token === '') {
        // "Bearer " with nothing after it is malformed: refused before any comparison.
        expect(spy).not.toHaveBeenCalled();
        continue;
      }
      expect(spy, `token of length ${token.length}`).toHaveBeenCalledTimes(1);
      const [given, expected] = spy.mock.calls[0]!.map((buffer) => Buffer.from(buffer as Uint8Array));
      expect([given!.length, expected!.length]).toEqual([32, 32]);
      // Neither side is the token itself: what is compared are its digests.
      expect(given!.toString('latin1')).not.toContain(token);
      expect(expected!.toString('latin1')).not.toContain(TOKEN);
    }
  });
});
