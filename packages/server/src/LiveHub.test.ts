import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from './http/HttpError.js';
import { LiveHub, type LiveHubOptions } from './LiveHub.js';
import type { IngestChanges } from './store/TraceStore.js';
import { logLine, normalized, traceIdOf } from '@aitrace/testing';

const TRACE = traceIdOf(0x11e);

/** A change carrying about `bytes` bytes of records for each trace, as one ingest would publish it. */
function bigChange(bytes: number, traces: readonly string[] = [TRACE]): IngestChanges {
  const records = traces.map((trace) => normalized(logLine('filler', 1, { trace, attrs: { pad: 'p'.repeat(bytes) } })));
  return { accepted: records.length, traces: [], records };
}

/** A real HTTP server whose only route is the hub's event stream (answering the hub's HttpError like the server does). */
async function hubServer(options: LiveHubOptions): Promise<{ hub: LiveHub; server: Server; port: number; connections: () => Promise<number> }> {
  const hub = new LiveHub({ heartbeatMs: 60_000, ...options });
  const server = createServer((request, response) => {
    try {
      hub.subscribe(response, { traceId: new URL(request.url ?? '/', 'http://localhost').searchParams.get('trace') ?? TRACE });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end((error as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connections = (): Promise<number> =>
    new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  return { hub, server, port: (server.address() as AddressInfo).port, connections };
}

const RECORDS_EVENT = 'event: records';
/** The last chunk of a chunked response: the stream ended normally. */
const STREAM_END = '\r\n0\r\n\r\n';

/** A subscriber on a raw socket; `paused` ones read the response head and then nothing more. */
interface Subscriber {
  socket: Socket;
  /** The start of what it received (the response head) and the last 4 KiB. */
  head: () => string;
  tail: () => string;
  /** How many `records` events it received. */
  records: () => number;
}

async function subscribe(port: number, paused: boolean, trace = TRACE): Promise<Subscriber> {
  const socket = connect(port, '127.0.0.1');
  let head = '';
  let tail = '';
  let records = 0;
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    if (head.length < 4096) head += text.slice(0, 4096);
    // Count the markers that end in the new chunk, so one split across chunks is counted once.
    for (let at = text.indexOf(RECORDS_EVENT); at !== -1; at = text.indexOf(RECORDS_EVENT, at + 1)) if (at + RECORDS_EVENT.length > tail.length) records++;
    tail = text.slice(-4096);
  });
  socket.write(`GET /events?trace=${trace} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await expect.poll(() => head.includes('event: ready'), { timeout: 5000 }).toBe(true);
  if (paused) socket.pause();
  return { socket, head: () => head, tail: () => tail, records: () => records };
}

/** Publishes `change` until `done()` holds, yielding to I/O in between, at most `max` times. */
async function publishUntil(hub: LiveHub, change: IngestChanges, done: () => boolean | Promise<boolean>, max = 2000): Promise<number> {
  for (let i = 1; i <= max; i++) {
    hub.publish(change);
    await new Promise((resolve) => setImmediate(resolve));
    if (await done()) return i;
  }
  throw new Error(`not done after ${max} publishes`);
}

/** The last event of an SSE text (the events' blocks end in a blank line). */
function lastEvent(text: string): { event: string; data: Record<string, unknown> } | undefined {
  const events = [...text.matchAll(/event: (\w+)\r?\ndata: (.*)\n\n/g)];
  const last = events.at(-1);
  return last === undefined ? undefined : { event: last[1]!, data: JSON.parse(last[2]!) as Record<string, unknown> };
}

describe('LiveHub with paused subscribers', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  async function started(options: LiveHubOptions): Promise<Awaited<ReturnType<typeof hubServer>>> {
    const running = await hubServer(options);
    cleanups.push(() => {
      running.hub.close();
      running.server.closeAllConnections();
      running.server.close();
    });
    return running;
  }

  it('refuses a subscriber over the cap with a clear 503, and takes one again when a place frees', async () => {
    const { port, hub } = await started({ maxSubscribers: 2 });
    const first = await subscribe(port, false);
    await subscribe(port, false);
    const refused = connect(port, '127.0.0.1');
    let answer = '';
    refused.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    refused.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await expect
      .poll(() => answer, { timeout: 5000 })
      .toMatch(/^HTTP\/1\.1 503 [^]*already has 2 live-update subscribers, the most it serves at once; close other viewer tabs or raise --max-subscribers/);
    refused.destroy();
    expect(hub.size).toBe(2);
    first.socket.destroy();
    await expect.poll(() => hub.size, { timeout: 5000 }).toBe(1);
    const again = await subscribe(port, false);
    expect(again.head()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('drops the subscriber furthest behind with `event: dropped` once all queues pass the total, and keeps the one that reads', async () => {
    const { hub, port } = await started({ maxTotalQueuedBytes: 2 << 20, maxQueuedBytes: 1 << 30, dropGraceMs: 60_000 });
    const reader = await subscribe(port, false);
    const paused = await subscribe(port, true);
    const publishes = await publishUntil(hub, bigChange(256 * 1024), () => hub.size < 2);
    expect(hub.size).toBe(1);
    // The reader got every message: it was never the one behind.
    await expect.poll(() => reader.records(), { timeout: 10_000 }).toBe(publishes);
    // Once it reads again, the paused one gets what was queued for it, then why it was let go, then the end of the stream.
    paused.socket.resume();
    await expect.poll(() => paused.tail().endsWith(STREAM_END), { timeout: 10_000 }).toBe(true);
    expect(lastEvent(paused.tail())).toEqual({
      event: 'dropped',
      data: {
        reason: expect.stringMatching(/all subscribers together passed 2097152 bytes and this one was the furthest behind; reconnect/),
        queuedBytes: expect.any(Number),
      },
    });
    hub.publish(bigChange(10));
    await expect.poll(() => reader.records(), { timeout: 10_000 }).toBe(publishes + 1);
  });

  it('drops a subscriber that falls behind its own limit, with the reason', async () => {
    const { hub, port } = await started({ maxQueuedBytes: 1 << 20, dropGraceMs: 60_000 });
    const paused = await subscribe(port, true);
    await publishUntil(hub, bigChange(128 * 1024), () => hub.size === 0);
    paused.socket.resume();
    await expect.poll(() => paused.tail().endsWith(STREAM_END), { timeout: 10_000 }).toBe(true);
    expect(lastEvent(paused.tail())).toMatchObject({
      event: 'dropped',
      data: { reason: 'this subscriber fell more than 1048576 bytes behind; reconnect to start over' },
    });
  });

  it('cuts a dropped subscriber that still does not read after the grace time, and at once when dropped ones hold too much', async () => {
    const { hub, port, connections } = await started({ maxTotalQueuedBytes: 1 << 20, maxQueuedBytes: 1 << 30, dropGraceMs: 300 });
    await subscribe(port, true);
    await publishUntil(hub, bigChange(128 * 1024), () => hub.size === 0);
    await expect.poll(connections, { timeout: 10_000 }).toBe(0);

    const long = await started({ maxTotalQueuedBytes: 1 << 20, maxQueuedBytes: 1 << 30, dropGraceMs: 600_000 });
    // Each on its own trace, so no two share a message.
    const traces = Array.from({ length: 8 }, (_, i) => traceIdOf(0x2000 + i));
    for (const trace of traces) await subscribe(long.port, true, trace);
    await publishUntil(long.hub, bigChange(128 * 1024, traces), () => long.hub.size === 0);
    // Dropped ones wait for their grace time only while their queues together fit the limit too.
    expect(await long.connections()).toBeLessThan(8);
  });
});
