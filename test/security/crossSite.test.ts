import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { jsonl, startTestServer, type TestServer } from '../server/harness.js';
import { rawRequest } from './rawHttp.js';

const SECRET = 'SECRET-rebinding-7781';
const TRACE = traceIdOf(0xc5);
const NDJSON = 'application/x-ndjson';
const RECORD = logLine('forged.write', 1, { trace: traceIdOf(0xbad), attrs: { from: 'another site' } });
const OTLP = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: traceIdOf(0xbad),
              spanId: spanIdOf(1),
              name: 'forged',
              startTimeUnixNano: '1761480000000000000',
              endTimeUnixNano: '1761480000001000000',
            },
          ],
        },
      ],
    },
  ],
});

/** The message of an error answer: `error` of the API's, `message` of OTLP's google.rpc.Status. */
function errorText(body: string): string {
  const parsed = JSON.parse(body) as { error?: string; message?: string };
  return parsed.error ?? parsed.message ?? '';
}

/** Every route, with a body where it takes one. */
const ROUTES: Array<{ method: string; path: string; type?: string; body?: string }> = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/index.html' },
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/traces' },
  { method: 'GET', path: `/api/traces/${TRACE}` },
  { method: 'GET', path: `/api/traces/${TRACE}?format=jsonl` },
  { method: 'GET', path: '/api/stats' },
  { method: 'GET', path: '/api/events' },
  { method: 'POST', path: '/api/ingest', type: NDJSON, body: `${RECORD}\n` },
  { method: 'POST', path: '/v1/traces', type: 'application/json', body: OTLP },
  { method: 'POST', path: '/v1/logs', type: 'application/json', body: '{"resourceLogs":[]}' },
];

describe('Host and Origin checks of a token-less server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['traces.example.com'] });
    const stored = await server.request('/api/ingest', {
      method: 'POST',
      headers: { 'Content-Type': NDJSON },
      body: jsonl(spanLines({ trace: TRACE, span: spanIdOf(1), name: 'checkout', startMs: 0, endMs: 5, attrs: { card: SECRET } })),
    });
    expect(stored.status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  const forgedWriteStored = async (): Promise<boolean> => (await server.store.getTraceRecords(traceIdOf(0xbad))).length > 0;

  it('answers nothing but 403 to a Host header that is not its own (DNS rebinding), on every route, and stores nothing', async () => {
    for (const host of ['rebind.attacker.example', `rebind.attacker.example:${server.port}`, '127.0.0.1.attacker.example', 'localhost.attacker.example']) {
      for (const route of ROUTES) {
        const headers: Record<string, string> = { Host: host, ...(route.type !== undefined ? { 'Content-Type': route.type } : {}) };
        const answer = await rawRequest(server.port, {
          method: route.method,
          path: route.path,
          headers,
          ...(route.body !== undefined ? { body: route.body } : {}),
        });
        const context = `${route.method} ${route.path} Host: ${host}`;
        expect(answer.status, context).toBe(403);
        expect(errorText(answer.body), context).toContain(`does not answer to the Host ${JSON.stringify(host)}`);
        expect(answer.body, context).not.toContain(SECRET);
        expect(answer.body, context).not.toContain(TRACE);
      }
    }
    expect(await forgedWriteStored()).toBe(false);
  });

  it('answers loopback Host values on any port, and the --allowed-host names', async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'localhost',
      '127.0.0.2:9',
      `[::1]:${server.port}`,
      'traces.example.com',
      'TRACES.EXAMPLE.COM:443',
    ]) {
      const answer = await rawRequest(server.port, { path: `/api/traces/${TRACE}`, headers: { Host: host } });
      expect(answer.status, host).toBe(200);
      expect(answer.body, host).toContain(SECRET);
    }
  });

  it('refuses a cross-site browser request on every data endpoint, whatever its content type, and stores nothing', async () => {
    const crossSite = [
      { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://attacker.example' },
      { 'Sec-Fetch-Site': 'same-site', Origin: `http://127.0.0.1:${server.port + 1}` },
      // A browser without Fetch Metadata: the Origin alone decides.
      { Origin: 'https://attacker.example' },
      { Origin: 'null' },
    ];
    for (const headers of crossSite) {
      for (const route of ROUTES.filter((r) => r.path.startsWith('/api/') || r.path.startsWith('/v1/')).filter((r) => r.path !== '/api/health')) {
        // text/plain is what a page may post to another origin without a preflight.
        for (const type of route.body === undefined ? [undefined] : [route.type!, 'text/plain', 'application/x-www-form-urlencoded']) {
          const answer = await rawRequest(server.port, {
            method: route.method,
            path: route.path,
            headers: { ...headers, ...(type !== undefined ? { 'Content-Type': type } : {}) },
            ...(route.body !== undefined ? { body: route.body } : {}),
          });
          const context = `${route.method} ${route.path} ${JSON.stringify(headers)} ${type}`;
          expect(answer.status, context).toBe(403);
          expect(errorText(answer.body), context).toMatch(/a page from another origin .*may not use this endpoint/);
          expect(answer.body, context).not.toContain(SECRET);
        }
      }
    }
    expect(await forgedWriteStored()).toBe(false);
  });

  it('refuses JSONL sent as text/plain, a form, or without a Content-Type with a 415 naming the accepted types', async () => {
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const answer = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/ingest',
        headers: type === undefined ? {} : { 'Content-Type': type },
        body: `${RECORD}\n`,
      });
      expect(answer.status, String(type)).toBe(415);
      expect(JSON.parse(answer.body).error, String(type)).toMatch(
        /not accepted here; send JSONL with Content-Type application\/x-ndjson, .*application\/jsonl, .*application\/json$/,
      );
    }
    expect(await forgedWriteStored()).toBe(false);
  });

  it('keeps serving programs (no Origin) and the viewer it serves (same origin)', async () => {
    const fromProgram = { 'User-Agent': 'OTel-OTLP-Exporter-JavaScript/2.0.0' };
    const sameOrigin = { 'Sec-Fetch-Site': 'same-origin', Origin: `http://127.0.0.1:${server.port}` };
    for (const [i, type] of ['application/x-ndjson', 'application/jsonl', 'application/json; charset=utf-8'].entries()) {
      const line = logLine('program.write', i, { trace: traceIdOf(0x900 + i) });
      const answer = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/ingest',
        headers: { ...fromProgram, 'Content-Type': type },
        body: `${line}\n`,
      });
      expect(answer.status, type).toBe(200);
    }
    const otlp = await rawRequest(server.port, {
      method: 'POST',
      path: '/v1/traces',
      headers: { ...fromProgram, 'Content-Type': 'application/json' },
      body: OTLP.replaceAll(traceIdOf(0xbad), traceIdOf(0x901)),
    });
    expect(otlp.status, otlp.body).toBe(200);
    const fromViewer = await rawRequest(server.port, { path: `/api/traces/${TRACE}`, headers: sameOrigin });
    expect(fromViewer.status).toBe(200);
    expect(fromViewer.body).toContain(SECRET);
    const navigation = await rawRequest(server.port, { path: '/api/traces', headers: { 'Sec-Fetch-Site': 'none' } });
    expect(navigation.status).toBe(200);
    const stream = await rawRequest(server.port, { path: '/api/events', headers: { 'Sec-Fetch-Site': 'same-origin' }, streamMs: 100 });
    expect(stream.status).toBe(200);
    expect(stream.body).toContain('event: ready');
    // The viewer's own files load in any frame or tab (the CSP decides about framing), only the data is guarded.
    expect((await rawRequest(server.port, { path: '/', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
  });
});
