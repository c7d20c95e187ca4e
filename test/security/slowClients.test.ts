import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, traceIdOf } from '@aitrace/testing';
import { figure } from '../reliability/support.js';
import { jsonl, startTestServer, type TestServer } from '../server/harness.js';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 1000;
// Node checks the timeouts on an interval (half the shorter timeout here), so a cut comes up to that much later.
const SLACK_MS = 800;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection that dribbles bytes, and what became of it. */
interface SlowClient {
  socket: Socket;
  /** Milliseconds from connecting until the server closed the connection, once it did. */
  closedAfterMs: number | undefined;
  answer: string;
  /** Bytes written before the server cut the connection. */
  sent: number;
  done: Promise<void>;
}

/** Connects and sends `prefix` at once, then `slow` one byte every `everyMs` until done or cut off. */
async function slowClient(port: number, prefix: string, slow: string, everyMs: number): Promise<SlowClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const began = Date.now();
  const client: SlowClient = { socket, closedAfterMs: undefined, answer: '', sent: 0, done: Promise.resolve() };
  socket.on('data', (chunk: Buffer) => (client.answer += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => (client.closedAfterMs = Date.now() - began));
  if (prefix !== '') socket.write(prefix);
  client.done = (async () => {
    for (const byte of slow) {
      if (client.closedAfterMs !== undefined) break;
      socket.write(byte);
      client.sent++;
      await sleep(everyMs);
    }
    await Promise.race([closed, sleep(REQUEST_TIMEOUT_MS + SLACK_MS * 2)]);
  })();
  return client;
}

const RECORD = logLine('slow', 1, { trace: traceIdOf(0x510) });
const INGEST_HEAD = `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${RECORD.length + 1}\r\n\r\n`;

describe('slow clients (slowloris)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('cuts off clients that send their headers byte by byte, while serving a normal client meanwhile', { timeout: 20_000 }, async () => {
    const started = Date.now();
    const slow = await Promise.all(Array.from({ length: 20 }, () => slowClient(server.port, '', INGEST_HEAD, 60)));
    // Meanwhile a normal client reads and writes without waiting on the slow ones.
    const latencies: number[] = [];
    let firstServedAfterMs: number | undefined;
    for (let i = 0; i < 20; i++) {
      const began = Date.now();
      const write = await server.request('/api/ingest', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson' },
        body: jsonl([logLine(`normal-${i}`, i, { trace: traceIdOf(0x700 + i) })]),
      });
      expect(write.status).toBe(200);
      expect((await server.request('/api/traces')).status).toBe(200);
      latencies.push(Date.now() - began);
      firstServedAfterMs ??= Date.now() - started;
      await sleep(20);
    }
    await Promise.all(slow.map((c) => c.done));
    for (const client of slow) {
      expect(client.closedAfterMs, `sent ${client.sent} bytes`).toBeDefined();
      expect(client.closedAfterMs!).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(client.sent).toBeLessThan(INGEST_HEAD.length);
      expect(client.answer).toMatch(/^HTTP\/1\.1 408 /);
    }
    // Served while the slow clients still held their connections, not after they were cut.
    expect(firstServedAfterMs!).toBeLessThan(Math.min(...slow.map((c) => c.closedAfterMs!)));
    expect(Math.max(...latencies)).toBeLessThan(2000);
    figure(
      `slowloris headers: 20 clients at 1 byte / 60 ms cut after ${Math.min(...slow.map((c) => c.closedAfterMs!))}-${Math.max(...slow.map((c) => c.closedAfterMs!))} ms (headers timeout ${HEADERS_TIMEOUT_MS} ms); a normal client meanwhile: 20 writes + reads, slowest ${Math.max(...latencies)} ms`,
    );
  });

  it('cuts off a client that sends its body byte by byte, stores nothing of it, and reports no server error', { timeout: 20_000 }, async () => {
    const rows = await server.store.countRows();
    const problems = server.problems.length;
    const client = await slowClient(server.port, INGEST_HEAD, `${RECORD}\n`, 50);
    const stalled = await slowClient(server.port, INGEST_HEAD, '', 0);
    expect((await server.request('/api/traces')).status).toBe(200);
    await Promise.all([client.done, stalled.done]);
    for (const cut of [client, stalled]) {
      expect(cut.closedAfterMs).toBeDefined();
      expect(cut.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect(client.sent).toBeLessThan(RECORD.length + 1);
    expect(await server.store.countRows()).toBe(rows);
    // A client cut off mid-body is not an internal error: nothing goes to the server's problem log.
    expect(server.problems.slice(problems)).toEqual([]);
    figure(
      `slowloris body: 1 byte / 50 ms cut after ${client.closedAfterMs} ms, a stalled body after ${stalled.closedAfterMs} ms (request timeout ${REQUEST_TIMEOUT_MS} ms), nothing stored`,
    );
  });
});
