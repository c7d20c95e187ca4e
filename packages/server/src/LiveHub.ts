import type { ServerResponse } from 'node:http';
import type { NormalizedRecord } from '@aitrace/format';
import { BASE_HEADERS } from './http/respond.js';
import type { IngestChanges } from './store/TraceStore.js';

/** What one live subscriber wants: every trace's summary, or one trace's summaries and records. */
export interface LiveFilter {
  traceId?: string;
}

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
}

/**
 * Pushes ingest changes to browsers over Server-Sent Events: `trace` events carry a trace summary,
 * `records` events (only for subscribers of one trace) carry the records just stored for it.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxQueuedBytes: number;

  constructor(options: LiveHubOptions = {}) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 8 << 20;
    this.heartbeat = setInterval(() => this.broadcast(() => ': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Number of connected subscribers. */
  get size(): number {
    return this.clients.size;
  }

  /** Starts an event stream on the response; it ends when the client goes away or the hub closes. */
  subscribe(response: ServerResponse, filter: LiveFilter): void {
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
    response.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ traceId: filter.traceId ?? null })}\n\n`);
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
    this.broadcast((filter) => {
      let text = '';
      for (const summary of summaries) if (filter.traceId === undefined || filter.traceId === summary.traceId) text += summary.text;
      const records = filter.traceId === undefined ? undefined : recordsByTrace.get(filter.traceId);
      if (records !== undefined) text += `event: records\ndata: ${JSON.stringify({ traceId: filter.traceId, records })}\n\n`;
      return text;
    });
  }

  private broadcast(message: (filter: LiveFilter) => string): void {
    for (const client of this.clients) {
      const text = message(client.filter);
      if (text === '') continue;
      if (client.response.writableLength > this.maxQueuedBytes) {
        // The browser stopped reading; dropping it keeps the server's memory bounded. EventSource reconnects.
        this.clients.delete(client);
        client.response.destroy();
        continue;
      }
      client.response.write(text);
    }
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }
}
