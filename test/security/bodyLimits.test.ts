import { request } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import type { TracePage } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, traceIdOf } from '@aitrace/testing';
import { figure } from '../reliability/support.js';
import { jsonl, readJson, startTestServer, type TestServer } from '../server/harness.js';
import { rawRequest } from './rawHttp.js';

const LIMIT = 64 * 1024;
const JSON_TYPE = 'application/json';
const NDJSON = 'application/x-ndjson';

/** A JSONL batch of about `bytes` bytes, every line a valid record. */
function batchOfSize(bytes: number): string {
  const line = logLine('filler', 1, { trace: traceIdOf(0xf111), attrs: { pad: 'p'.repeat(200) } });
  return jsonl(Array.from({ length: Math.ceil(bytes / (line.length + 1)) }, () => line));
}

/** An OTLP/JSON traces request of about `bytes` bytes. */
function otlpOfSize(bytes: number): string {
  const span = {
    traceId: traceIdOf(0xf222),
    spanId: '00000000000000f1',
    name: 'filler',
    startTimeUnixNano: '1761480000000000000',
    attributes: [{ key: 'pad', value: { stringValue: 'p'.repeat(200) } }],
  };
  const count = Math.ceil(bytes / JSON.stringify(span).length);
  return JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: count }, (_, i) => ({ ...span, spanId: (i + 1).toString(16).padStart(16, '0') })) }] }],
  });
}

/** The endpoints that take a body, each with a body of a given size. */
const ENDPOINTS = [
  { path: '/api/ingest', type: NDJSON, bodyOfSize: batchOfSize },
  { path: '/v1/traces', type: JSON_TYPE, bodyOfSize: otlpOfSize },
  { path: '/v1/logs', type: JSON_TYPE, bodyOfSize: (bytes: number) => `{"resourceLogs":[],"pad":"${'p'.repeat(bytes)}"}` },
];

describe('request body limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: LIMIT });
  });
  afterAll(async () => {
    await server.stop();
  });

  async function expectNothingStored(): Promise<void> {
    expect(await server.store.countRows()).toBe(0);
    expect((await readJson<TracePage>(await server.request('/api/traces'))).traces).toEqual([]);
  }

  function expectTooLarge(answer: { status: number; body: string }, context: string): void {
    expect(answer.status, context).toBe(413);
    expect(answer.body, context).toContain(`limit of ${LIMIT} bytes`);
  }

  it('refuses a body over the limit with 413, whether its size is declared or it comes chunked, and stores nothing', async () => {
    for (const { path, type, bodyOfSize } of ENDPOINTS) {
      const body = Buffer.from(bodyOfSize(LIMIT + 1024));
      expect(body.length).toBeGreaterThan(LIMIT);
      const declared = await rawRequest(server.port, { method: 'POST', path, headers: { 'Content-Type': type, 'Content-Length': String(body.length) }, body });
      expectTooLarge(declared, `${path} with Content-Length`);
      const chunked = await rawRequest(server.port, { method: 'POST', path, headers: { 'Content-Type': type, 'Transfer-Encoding': 'chunked' }, body });
      expectTooLarge(chunked, `${path} chunked`);
    }
    await expectNothingStored();
  });

  it('refuses gzip and deflate bombs: a small body that would expand past the limit is cut off while inflating', async () => {
    for (const { path, type, bodyOfSize } of ENDPOINTS) {
      // Valid content, so only the expanded size can be the reason for the refusal.
      const expanded = bodyOfSize(LIMIT * 40);
      for (const [encoding, compressed] of [
        ['gzip', gzipSync(expanded)],
        ['deflate', deflateSync(expanded)],
      ] as const) {
        expect(compressed.length).toBeLessThan(LIMIT);
        const answer = await rawRequest(server.port, {
          method: 'POST',
          path,
          headers: { 'Content-Type': type, 'Content-Encoding': encoding },
          body: compressed,
        });
        expectTooLarge(answer, `${path} ${encoding}`);
        expect(answer.body).toContain('after decompression');
      }
    }
    await expectNothingStored();
  });

  it('takes a compressed body that expands to just under the limit', async () => {
    const body = batchOfSize(LIMIT - 2048);
    const answer = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/ingest',
      headers: { 'Content-Type': NDJSON, 'Content-Encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body).accepted).toBe(body.split('\n').length - 1);
  });
});

describe('a gzip bomb against the default 10 MiB limit', () => {
  it('expands no further than the limit: 1 GiB of zeros in 1 MB of gzip is refused and memory stays bounded', { timeout: 60_000 }, async () => {
    const server = await startTestServer();
    try {
      // A gzip file may hold several members; 100 members of 10 MiB of zeros each expand to 1000 MiB.
      const member = gzipSync(Buffer.alloc(10 * 1024 * 1024));
      const bomb = Buffer.concat(Array.from({ length: 100 }, () => member));
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const began = Date.now();
      const answer = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/ingest',
        headers: { 'Content-Type': NDJSON, 'Content-Encoding': 'gzip' },
        body: bomb,
      });
      clearInterval(sampler);
      const grewMiB = (peak - before) / 1024 / 1024;
      expect(answer.status).toBe(413);
      expect(answer.body).toContain('after decompression');
      expect(grewMiB).toBeLessThan(200);
      expect(await server.store.countRows()).toBe(0);
      figure(
        `gzip bomb: ${(bomb.length / 1024 / 1024).toFixed(1)} MiB expanding to 1000 MiB refused with 413 in ${Date.now() - began} ms; process RSS grew ${grewMiB.toFixed(0)} MiB at most`,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('bounded work and answers for batches of bad lines', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBatchLines: 1000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists the first 100 bad lines, counts them all, and shortens long messages', async () => {
    const longValue = `{"__tracer_meta__":{"timestamp":"${'9'.repeat(50_000)}","event":"e","type":"log"}}`;
    const body = jsonl([longValue, ...Array.from({ length: 899 }, () => 'x')]);
    const answer = await rawRequest(server.port, { method: 'POST', path: '/api/ingest', headers: { 'Content-Type': NDJSON }, body });
    expect(answer.status).toBe(400);
    const parsed = JSON.parse(answer.body) as { error: string; rejected: number; problems: Array<{ line: number; message: string }> };
    expect(parsed.rejected).toBe(900);
    expect(parsed.problems.map((p) => p.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(parsed.error).toBe(
      `900 bad lines (line ${parsed.problems.map((p) => p.line).join(', ')} and 800 more not listed); the whole batch was refused and nothing was stored`,
    );
    expect(parsed.problems[0]!.message).toMatch(/^__tracer_meta__\.timestamp: must be an ISO-8601 timestamp, got "9+…$/);
    expect(parsed.problems[0]!.message.length).toBeLessThanOrEqual(301);
    expect(answer.body.length).toBeLessThan(20_000);
    expect(await server.store.countRows()).toBe(0);
  });

  it('counts lines before parsing: takes a batch of exactly the most lines, refuses one more with 413', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => logLine('counted', i, { trace: traceIdOf(0xc0c0) }));
    const full = await rawRequest(server.port, { method: 'POST', path: '/api/ingest', headers: { 'Content-Type': NDJSON }, body: jsonl(lines) });
    expect(full.status, full.body).toBe(200);
    expect(JSON.parse(full.body).accepted).toBe(1000);
    const rows = await server.store.countRows();
    for (const body of [jsonl([...lines, lines[0]!]), `${jsonl(lines)}${lines[0]!}`, '\n'.repeat(1001)]) {
      const answer = await rawRequest(server.port, { method: 'POST', path: '/api/ingest', headers: { 'Content-Type': NDJSON }, body });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({
        error: 'request body has more than 1000 lines, the most one batch may hold; send smaller batches or raise --max-lines',
        maxLines: 1000,
      });
    }
    expect(await server.store.countRows()).toBe(rows);
  });
});

describe('a 10 KB gzip of 5 million bad lines against the default limits', () => {
  it('gets a short 413 answer, and /api/health answers meanwhile', { timeout: 60_000 }, async () => {
    const server = await startTestServer();
    try {
      const bomb = gzipSync('x\n'.repeat(5_000_000), { level: 9 });
      expect(bomb.length).toBeLessThan(12_000);
      const began = Date.now();
      const [answer, health] = await Promise.all([
        rawRequest(server.port, { method: 'POST', path: '/api/ingest', headers: { 'Content-Type': NDJSON, 'Content-Encoding': 'gzip' }, body: bomb }),
        rawRequest(server.port, { path: '/api/health' }),
      ]);
      expect(health.status).toBe(200);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error).toMatch(/more than 100000 lines/);
      expect(answer.body.length).toBeLessThan(1000);
      expect(await server.store.countRows()).toBe(0);
      figure(
        `bad-line bomb: ${bomb.length} bytes of gzip ('x\\n' x 5,000,000) refused with 413 in ${Date.now() - began} ms, answer ${answer.body.length} bytes`,
      );
    } finally {
      await server.stop();
    }
  });

  it('refuses a compressed body while it is still arriving, as soon as it inflates past the limit', { timeout: 30_000 }, async () => {
    const server = await startTestServer({ maxBodyBytes: LIMIT });
    try {
      // The first part of the stream already inflates past the limit; the client never finishes sending.
      const opening = gzipSync(Buffer.alloc(LIMIT * 8)).subarray(0, -8);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path: '/api/ingest',
            headers: { 'Content-Type': NDJSON, 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', reject);
        req.write(opening);
      });
      expect(status).toBe(413);
    } finally {
      await server.stop();
    }
  });
});
