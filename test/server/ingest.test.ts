import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TracePage } from '@aitrace/server';
import { endLine, logLine, spanIdOf, spanLines, startLine, traceIdOf, type TestSpan } from '@aitrace/testing';
import { jsonl, readJson, startTestServer, type TestServer, type TraceAnswer } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

describe('POST /api/ingest', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ maxBodyBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await server.stop();
  });

  const trace = traceIdOf(1);
  const root = { trace, span: spanIdOf(1), name: 'GET /users', startMs: 0, endMs: 30, service: 'api', attrs: { 'http.route': '/users' } };

  it('stores JSONL records and serves them back through the query API', async () => {
    const response = await server.request('/api/ingest', {
      method: 'POST',
      headers: NDJSON,
      body: jsonl([...spanLines(root), logLine('hello', 5, { trace, span: root.span })]),
    });
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({ accepted: 3, traces: 1 });

    const list = await readJson<TracePage>(await server.request('/api/traces'));
    expect(list).toEqual({
      traces: [
        expect.objectContaining({ traceId: trace, rootName: 'GET /users', service: 'api', spanCount: 1, errorCount: 0, runningCount: 0, durationMs: 30 }),
      ],
      nextCursor: null,
    });
    const detail = await readJson<TraceAnswer>(await server.request(`/api/traces/${trace}`));
    expect(detail.traceId).toBe(trace);
    expect(detail.records.map((r) => `${r.type}:${r.event}`)).toEqual(['log:hello', 'span_end:GET /users.end']);
    expect(detail.records[1]!.attrs).toEqual({ 'http.route': '/users' });

    const file = await server.request(`/api/traces/${trace.toUpperCase()}?format=jsonl`);
    expect(file.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await file.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.__tracer_meta__.type)).toEqual(['log', 'span_end']);

    expect((await server.request(`/api/traces/${traceIdOf(999)}`)).status).toBe(404);
  });

  it('accepts a gzip body', async () => {
    const body = gzipSync(jsonl(spanLines(root)));
    const response = await server.request('/api/ingest', { method: 'POST', headers: { ...NDJSON, 'Content-Encoding': 'gzip' }, body });
    expect(response.status).toBe(200);
    expect((await readJson(response)).accepted).toBe(2);
    expect(await server.store.countRows()).toBe(1);
  });

  it('refuses the whole batch when a line is bad, naming every bad line, and stores nothing', async () => {
    const body = [
      startLine(root),
      '{"not json',
      logLine('ok', 1),
      '{"__tracer_meta__":{"timestamp":"yesterday","event":"x"}}',
      '',
      '{"__tracer_meta__":{"timestamp":"2025-10-26T12:00:00.000000Z","event":"a.start","type":"span_start","provisional":true}}',
    ].join('\n');
    const response = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body });
    expect(response.status).toBe(400);
    const answer = await readJson(response);
    expect(answer.accepted).toBe(0);
    expect(answer.error).toMatch(/3 bad lines \(line 2, 4, 6\); the whole batch was refused/);
    expect(answer.problems).toEqual([
      { line: 2, message: expect.stringMatching(/invalid JSON/) },
      { line: 4, message: expect.stringMatching(/__tracer_meta__\.timestamp: must be an ISO-8601 timestamp/) },
      { line: 6, message: expect.stringMatching(/__tracer_meta__\.trace_id and __tracer_meta__\.span_id are required on span_start/) },
    ]);
    expect(await server.store.countRows()).toBe(0);
    expect((await readJson<TracePage>(await server.request('/api/traces'))).traces).toEqual([]);
  });

  it('answers 413 with the limit for an oversized body and for a gzip bomb, storing nothing', async () => {
    const big = jsonl(Array.from({ length: 2000 }, (_, i) => logLine(`event-${i}`, i, { attrs: { pad: 'x'.repeat(40) } })));
    expect(big.length).toBeGreaterThan(64 * 1024);
    const plain = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: big });
    expect(plain.status).toBe(413);
    expect((await readJson(plain)).error).toMatch(/larger than the limit of 65536 bytes.*--max-body/);

    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const compressed = await server.request('/api/ingest', { method: 'POST', headers: { ...NDJSON, 'Content-Encoding': 'gzip' }, body: bomb });
    expect(compressed.status).toBe(413);
    expect((await readJson(compressed)).error).toMatch(/after decompression/);

    const streamed = await server.request('/api/ingest', {
      method: 'POST',
      headers: NDJSON,
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode(`${logLine('chunk', i, { attrs: { pad: 'y'.repeat(4000) } })}\n`));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await server.store.countRows()).toBe(0);
    // The server is still healthy afterwards.
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([logLine('after', 1)]) })).status).toBe(200);
  });

  it('rejects unsupported content types and encodings with a message naming what to send', async () => {
    const wrongType = await server.request('/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<x/>' });
    expect(wrongType.status).toBe(415);
    expect((await readJson(wrongType)).error).toMatch(/application\/x-ndjson/);
    const wrongEncoding = await server.request('/api/ingest', { method: 'POST', headers: { ...NDJSON, 'Content-Encoding': 'br' }, body: 'x' });
    expect(wrongEncoding.status).toBe(415);
    const wrongMethod = await server.request('/api/ingest');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('loses no record under concurrent ingest', async () => {
    const batches = 24;
    const perBatch = 50;
    const responses = await Promise.all(
      Array.from({ length: batches }, (_, b) => {
        const lines: string[] = [];
        for (let i = 0; i < perBatch / 2; i++) {
          const span: TestSpan = { trace: traceIdOf(1000 + b), span: spanIdOf(b * 100 + i + 1), name: `s${i}`, startMs: i, endMs: i + 2 };
          if (i > 0) span.parent = spanIdOf(b * 100 + 1);
          lines.push(startLine(span), logLine('tick', i, { trace: span.trace, span: span.span }));
        }
        const body = b % 2 === 0 ? gzipSync(jsonl(lines)) : jsonl(lines);
        return server.request('/api/ingest', { method: 'POST', headers: { ...NDJSON, ...(b % 2 === 0 ? { 'Content-Encoding': 'gzip' } : {}) }, body });
      }),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(batches).fill(200));
    expect(await server.store.countRows()).toBe(batches * perBatch);
    const list = await readJson<TracePage>(await server.request('/api/traces?limit=100'));
    expect(list.traces).toHaveLength(batches);
    for (const summary of list.traces) expect(summary).toMatchObject({ spanCount: perBatch / 2, runningCount: perBatch / 2, recordCount: perBatch });
    // Ending every span turns each trace final.
    const ended = await Promise.all(
      Array.from({ length: batches }, (_, b) => {
        const ends = Array.from({ length: perBatch / 2 }, (_, i) =>
          endLine({ trace: traceIdOf(1000 + b), span: spanIdOf(b * 100 + i + 1), name: `s${i}`, startMs: i, endMs: i + 2 }),
        );
        return server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl(ends) });
      }),
    );
    expect(ended.map((r) => r.status)).toEqual(Array(batches).fill(200));
    expect((await readJson<TracePage>(await server.request('/api/traces?status=running'))).traces).toEqual([]);
    expect(await server.store.countRows()).toBe(batches * perBatch);
  });
});
