import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, spanIdOf, traceIdOf } from '@aitrace/testing';
import { jsonl, openEventStream, startTestServer, type TestServer } from '../server/harness.js';
import { rawRequest } from './rawHttp.js';

const TRACE = traceIdOf(0x5105);
const NDJSON = { 'Content-Type': 'application/x-ndjson' };

/** A live subscriber on a raw socket that reads the response head, then stops reading (a frozen tab). */
async function pausedSubscriber(port: number): Promise<{ socket: Socket; status: number }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`GET /api/events?trace=${TRACE} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
  });
  socket.pause();
  return { socket, status: Number(head.slice(9, 12)) };
}

/** About 1 MB of JSONL records of TRACE. */
function megabyteBatch(batch: number): string {
  return jsonl(
    Array.from({ length: 1000 }, (_, i) => logLine('chunk', batch * 1000 + i, { trace: TRACE, span: spanIdOf(batch + 1), attrs: { pad: 'p'.repeat(900) } })),
  );
}

describe('slow live subscribers', () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  });

  it('caps subscribers with a clear 503, drops paused ones when their queues add up, and keeps serving a reader', { timeout: 60_000 }, async () => {
    const reader = await openEventStream(new URL(`/api/events?trace=${TRACE}`, server.url));
    expect((await reader.next()).event).toBe('ready');
    for (let i = 0; i < 99; i++) {
      const subscriber = await pausedSubscriber(server.port);
      sockets.push(subscriber.socket);
      expect(subscriber.status).toBe(200);
    }
    const over = await rawRequest(server.port, { path: '/api/events' });
    expect(over.status).toBe(503);
    expect(over.headers['retry-after']).toBe('10');
    expect(JSON.parse(over.body)).toEqual({
      error: 'this server already has 100 live-update subscribers, the most it serves at once; close other viewer tabs or raise --max-subscribers',
      maxSubscribers: 100,
    });

    for (let batch = 0; batch < 12; batch++) {
      const body = megabyteBatch(batch);
      expect(body.length).toBeGreaterThan(1_000_000);
      const answer = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body });
      expect(answer.status).toBe(200);
      // The reader gets each batch, whatever the paused ones do.
      const event = await reader.next((e) => e.event === 'records' || e.event === 'dropped');
      expect(event.event).toBe('records');
      expect((event.data as { records: unknown[] }).records).toHaveLength(1000);
    }
    expect((await rawRequest(server.port, { path: '/api/health' })).status).toBe(200);
    // Dropped subscribers freed their places: a new one is taken again.
    const again = await pausedSubscriber(server.port);
    sockets.push(again.socket);
    expect(again.status).toBe(200);
    reader.close();
  });
});
