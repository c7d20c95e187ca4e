import type { ServerResponse } from 'node:http';
import type { NormalizedRecord } from '@aitrace/format';
import { HttpError } from './http/HttpError.js';
import { BASE_HEADERS } from './http/respond.js';
import type { IngestChanges } from './store/TraceStore.js';

/** What one live subscriber wants: every trace's summary, one trace's summaries and records, or every record stored. */
export interface LiveFilter {
  traceId?: string;
  /** Every record as stored, across traces and outside any (the live stream view); no summaries. */
  allRecords?: boolean;
}

/** Subscribers with one key get the same messages (and share their buffers). */
const filterKey = (filter: LiveFilter): string => (filter.allRecords === true ? '*' : (filter.traceId ?? ''));

interface Client {
  response: ServerResponse;
  filter: LiveFilter;
}

/** Options for `LiveHub`. */
export interface LiveHubOptions {
  /** Comment line sent this often so proxies keep the stream open, ms (default 15000). */
  heartbeatMs?: number;
  /** A client this far behind (bytes queued) is dropped rather than buffered without end (default 8 MiB). */
  maxQueuedBytes?: number;
  /** Most subscribers at once; one more is refused with HttpError 503 (default 100). */
  maxSubscribers?: number;
  /** Most bytes queued for all subscribers together (shared messages counted once); past it the furthest behind are dropped (default 64 MiB). */
  maxTotalQueuedBytes?: number;
  /** Time a dropped client has to read its `dropped` event before its connection is cut, ms (default 5000). */
  dropGraceMs?: number;
}

const queued = (client: Client): number => client.response.writableLength;

/**
 * Calls `trim` on the clients furthest behind until the bytes `clients` hold, plus the `coming` bytes about to be
 * written to each, fit `limit`. Clients with one filter share the buffers of their messages, so together they hold
 * as much as the one furthest behind. A client with nothing queued is never trimmed.
 */
function trimFurthestBehind(clients: Iterable<Client>, limit: number, coming: (client: Client) => number, trim: (client: Client) => void): void {
  const groups = new Map<string, Client[]>();
  for (const client of clients) {
    const key = filterKey(client.filter);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [client]);
    else group.push(client);
  }
  const held = (group: Client[]): number => (group[0] === undefined ? 0 : queued(group[0]) + coming(group[0]));
  let total = 0;
  for (const group of groups.values()) {
    group.sort((a, b) => queued(b) - queued(a));
    total += held(group);
  }
  while (total > limit) {
    let furthest: Client[] | undefined;
    for (const group of groups.values())
      if (group[0] !== undefined && queued(group[0]) > 0 && (furthest === undefined || queued(group[0]) > queued(furthest[0]!))) furthest = group;
    if (furthest === undefined) return;
    const before = held(furthest);
    const client = furthest.shift()!;
    total -= before - held(furthest);
    trim(client);
  }
}

/**
 * Pushes ingest changes to browsers over Server-Sent Events: `trace` events carry a trace summary,
 * `records` events (for subscribers of one trace, or of all records) carry the records just stored. Memory stays
 * bounded: subscribers are capped, and a client that stops reading is sent `event: dropped` and let go.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  /** Dropped clients whose last bytes (the `dropped` event) may still be on their way. */
  private readonly leaving = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxQueuedBytes: number;
  private readonly maxSubscribers: number;
  private readonly maxTotalQueuedBytes: number;
  private readonly dropGraceMs: number;

  constructor(options: LiveHubOptions = {}) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 8 << 20;
    this.maxSubscribers = options.maxSubscribers ?? 100;
    this.maxTotalQueuedBytes = options.maxTotalQueuedBytes ?? 64 << 20;
    this.dropGraceMs = options.dropGraceMs ?? 5000;
    this.heartbeat = setInterval(() => this.broadcast(() => ': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Number of connected subscribers. */
  get size(): number {
    return this.clients.size;
  }

  /** True when some subscriber follows this one trace (and so wants its records). */
  watches(traceId: string): boolean {
    for (const client of this.clients) if (client.filter.traceId === traceId) return true;
    return false;
  }

  /** Starts an event stream on the response; it ends when the client goes away or the hub closes. Throws HttpError 503 when full. */
  subscribe(response: ServerResponse, filter: LiveFilter): void {
    if (this.clients.size >= this.maxSubscribers) {
      throw new HttpError(
        503,
        `this server already has ${this.maxSubscribers} live-update subscribers, the most it serves at once; close other viewer tabs or raise --max-subscribers`,
        { maxSubscribers: this.maxSubscribers },
        { 'Retry-After': '10' },
      );
    }
    response.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    const client: Client = { response, filter };
    this.clients.add(client);
    response.on('close', () => this.clients.delete(client));
    response.write(
      `retry: 2000\nevent: ready\ndata: ${JSON.stringify(filter.allRecords === true ? { allRecords: true } : { traceId: filter.traceId ?? null })}\n\n`,
    );
  }

  /** Sends what an ingest stored to the subscribers it concerns. */
  publish(changes: IngestChanges): void {
    if (this.clients.size === 0) return;
    const recordsByTrace = new Map<string, NormalizedRecord[]>();
    for (const record of changes.records) {
      if (record.traceId === undefined) continue;
      let list = recordsByTrace.get(record.traceId);
      if (list === undefined) recordsByTrace.set(record.traceId, (list = []));
      list.push(record);
    }
    const summaries = changes.traces.map((trace) => ({ traceId: trace.traceId, text: `event: trace\ndata: ${JSON.stringify(trace)}\n\n` }));
    const all = changes.records.length === 0 ? '' : `event: records\ndata: ${JSON.stringify({ traceId: null, records: changes.records })}\n\n`;
    this.broadcast((filter) => {
      if (filter.allRecords === true) return all;
      let text = '';
      for (const summary of summaries) if (filter.traceId === undefined || filter.traceId === summary.traceId) text += summary.text;
      const records = filter.traceId === undefined ? undefined : recordsByTrace.get(filter.traceId);
      if (records !== undefined) text += `event: records\ndata: ${JSON.stringify({ traceId: filter.traceId, records })}\n\n`;
      return text;
    });
  }

  private broadcast(message: (filter: LiveFilter) => string): void {
    // One buffer per distinct filter, shared by every client with that filter: queues hold references, not copies.
    const encoded = new Map<string, Buffer | null>();
    const messageFor = (client: Client): Buffer | null => {
      const key = filterKey(client.filter);
      let bytes = encoded.get(key);
      if (bytes === undefined) {
        const text = message(client.filter);
        encoded.set(key, (bytes = text === '' ? null : Buffer.from(text)));
      }
      return bytes;
    };
    // Limits are applied before writing, so a dropped client leaves with no more than it held, and the message
    // goes whole to a client that has nothing queued, however large it is.
    for (const client of this.clients) {
      const size = messageFor(client)?.length ?? 0;
      if (size > 0 && queued(client) > 0 && queued(client) + size > this.maxQueuedBytes) {
        this.drop(client, `this subscriber fell more than ${this.maxQueuedBytes} bytes behind; reconnect to start over`);
      }
    }
    const reason = `the live-update buffers of all subscribers together passed ${this.maxTotalQueuedBytes} bytes and this one was the furthest behind; reconnect to start over`;
    trimFurthestBehind(
      this.clients,
      this.maxTotalQueuedBytes,
      (client) => messageFor(client)?.length ?? 0,
      (client) => this.drop(client, reason),
    );
    // A dropped client keeps its queue until it reads it or the grace time ends, while the dropped ones together hold
    // no more than the limit too: live updates hold at most twice maxTotalQueuedBytes (and the message being sent).
    trimFurthestBehind(
      this.leaving,
      this.maxTotalQueuedBytes,
      () => 0,
      (client) => {
        this.leaving.delete(client);
        client.response.destroy();
      },
    );
    for (const client of this.clients) {
      const bytes = messageFor(client);
      if (bytes !== null) client.response.write(bytes);
    }
  }

  /** Stops sending to a client: tells it why with `event: dropped`, ends the stream, and cuts it after the grace time. */
  private drop(client: Client, reason: string): void {
    this.clients.delete(client);
    this.leaving.add(client);
    const { response } = client;
    response.end(`event: dropped\ndata: ${JSON.stringify({ reason, queuedBytes: response.writableLength })}\n\n`);
    const cut = setTimeout(() => response.destroy(), this.dropGraceMs);
    cut.unref();
    response.once('close', () => {
      clearTimeout(cut);
      this.leaving.delete(client);
    });
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    for (const client of this.leaving) client.response.destroy();
    this.leaving.clear();
  }
}
