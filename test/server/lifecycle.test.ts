import { connect } from 'node:net';
import { formatEpochMicros } from '@aitrace/format';
import { SqliteTraceStore, type TracePage } from '@aitrace/server';
import { describe, expect, it } from 'vitest';
import { logLine, normalized, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { jsonl, readJson, startTestServer } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

/** A log line `daysAgo` days before now. */
function recentLog(event: string, trace: string, daysAgo: number): string {
  const line = JSON.parse(logLine(event, 0, { trace }));
  line.__tracer_meta__.timestamp = formatEpochMicros(Date.now() * 1000 - daysAgo * 86_400_000_000);
  return JSON.stringify(line);
}

describe('server lifecycle', () => {
  it('keeps stored traces across a restart on the same database file', async () => {
    const first = await startTestServer();
    await first.request('/api/ingest', {
      method: 'POST',
      headers: NDJSON,
      body: jsonl(spanLines({ trace: traceIdOf(1), span: spanIdOf(1), name: 'kept', startMs: 0, endMs: 1 })),
    });
    await first.close();
    const second = await startTestServer({ db: first.dbPath });
    try {
      const list = await readJson<TracePage>(await second.request('/api/traces'));
      expect(list.traces.map((t) => t.rootName)).toEqual(['kept']);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('applies retention by age at startup and by row count periodically', async () => {
    const seed = await startTestServer();
    await seed.close();
    const store = new SqliteTraceStore({ path: seed.dbPath });
    await store.ingest([normalized(recentLog('old', traceIdOf(1), 10)), normalized(recentLog('new', traceIdOf(2), 0.1))]);
    await store.close();

    const server = await startTestServer({ db: seed.dbPath, retentionDays: 7, maxRows: 3, retentionIntervalMs: 40 });
    try {
      // At startup the 10-day-old trace is gone and the recent one stays.
      const list = await readJson<TracePage>(await server.request('/api/traces'));
      expect(list.traces.map((t) => t.traceId)).toEqual([traceIdOf(2)]);
      // Growing past 3 rows, the oldest traces are deleted on the next pass.
      const lines = [1, 2, 3, 4].map((i) => recentLog(`later-${i}`, traceIdOf(10 + i), 0.01 / i));
      // The pass runs every 40 ms, so it may already have run by the time the rows are counted: the answer says
      // all four were stored.
      expect(await readJson(await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl(lines) }))).toMatchObject({ accepted: 4 });
      await expect.poll(() => server.store.countRows(), { timeout: 5000, interval: 20 }).toBeLessThanOrEqual(3);
      const left = (await readJson<TracePage>(await server.request('/api/traces'))).traces.map((t) => t.traceId);
      expect(left).toEqual([traceIdOf(14), traceIdOf(13), traceIdOf(12)]);
    } finally {
      await server.stop();
      await seed.stop();
    }
  });

  it('drops a client that sends its headers too slowly', async () => {
    const server = await startTestServer({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write('GET /api/traces HTTP/1.1\r\nHost: x\r\n');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const closed = await new Promise<boolean>((resolve) => {
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 5000).unref();
      });
      expect(closed).toBe(true);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      // Well-behaved clients are still served.
      expect((await server.request('/api/traces')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
