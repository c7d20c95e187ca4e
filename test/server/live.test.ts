import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endLine, logLine, spanIdOf, startLine, traceIdOf } from '@aitrace/testing';
import { jsonl, openEventStream, startTestServer, type TestServer } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

describe('GET /api/events (Server-Sent Events)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  const span = { trace: traceIdOf(1), span: spanIdOf(1), name: 'long.job', startMs: 0, endMs: 500, attrs: { step: 1 } };

  it('pushes a running trace, then the same trace turned final when its end is ingested', async () => {
    const stream = await openEventStream(new URL('/api/events', server.url));
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await stream.next()).toEqual({ event: 'ready', data: { traceId: null } });

    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([startLine(span)]) });
    const running = await stream.next((e) => e.event === 'trace');
    expect(running.data).toMatchObject({ traceId: span.trace, rootName: 'long.job', runningCount: 1 });

    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([endLine(span)]) });
    const final = await stream.next((e) => e.event === 'trace');
    expect(final.data).toMatchObject({ traceId: span.trace, runningCount: 0, durationMs: 500 });
    stream.close();
  });

  it('sends the stored records of one trace to its subscribers only', async () => {
    const other = traceIdOf(2);
    const watching = await openEventStream(new URL(`/api/events?trace=${span.trace}`, server.url));
    await watching.next();
    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([logLine('elsewhere', 1, { trace: other })]) });
    await server.request('/api/ingest', {
      method: 'POST',
      headers: NDJSON,
      body: jsonl([startLine(span), logLine('started', 1, { trace: span.trace, span: span.span })]),
    });
    const summary = await watching.next();
    expect(summary).toMatchObject({ event: 'trace', data: { traceId: span.trace } });
    const records = await watching.next();
    expect(records.event).toBe('records');
    expect(records.data).toMatchObject({
      traceId: span.trace,
      records: [
        { type: 'span_start', spanId: span.span, attrs: { step: 1 } },
        { type: 'log', event: 'started' },
      ],
    });

    await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([endLine({ ...span, endAttrs: { result: 'done' } })]) });
    await watching.next((e) => e.event === 'trace');
    const ended = await watching.next((e) => e.event === 'records');
    // The end arrives merged with its start, as the trace endpoint returns it.
    expect(ended.data).toMatchObject({ records: [{ type: 'span_end', attrs: { step: 1, result: 'done' } }] });
    watching.close();
  });

  it('keeps a stream open past the request timeout, which only limits receiving requests', async () => {
    const strict = await startTestServer({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    try {
      const stream = await openEventStream(new URL('/api/events', strict.url));
      await stream.next();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await strict.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([startLine(span)]) });
      expect((await stream.next((e) => e.event === 'trace')).data).toMatchObject({ traceId: span.trace });
      stream.close();
    } finally {
      await strict.stop();
    }
  });

  it('ends open streams when the server closes', async () => {
    const stream = await openEventStream(new URL('/api/events', server.url));
    await stream.next();
    await server.close();
    await expect(stream.next()).rejects.toThrow();
  });
});
