import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terminalSafe, type NormalizedRecord } from '@aitrace/format';
import { createRequestHandler } from './createRequestHandler.js';
import { HostPolicy } from './http/HostPolicy.js';
import { LiveHub } from './LiveHub.js';
import { findViewerDir } from './serveViewer.js';
import type { ServerContext } from './ServerContext.js';
import { checkServerOptions, SERVER_DEFAULTS, type ServerOptions } from './ServerOptions.js';
import { SqliteTraceStore } from './store/SqliteTraceStore.js';
import type { IngestChanges, RetentionPolicy, SourceCursor, TraceStore } from './store/TraceStore.js';
import { TraceWatcher } from './watch/TraceWatcher.js';

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:4319/`. */
  url: string;
  /** The port bound (useful with port 0). */
  port: number;
  host: string;
  /** The store behind the API. */
  store: TraceStore;
  /** Stores records as `POST /api/ingest` does, pushing live updates. */
  ingest: (records: NormalizedRecord[]) => Promise<IngestChanges>;
  /** Stops watching, ends live streams, closes connections and the database; safe to call more than once. */
  close: () => Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function defaultProblemReporter(message: string): void {
  process.stderr.write(`aitrace server: ${terminalSafe(message)}\n`);
}

/**
 * Starts the trace server: JSONL and OTLP/HTTP JSON ingest, query API, live updates over SSE, the web
 * viewer, optional file watching and retention. Resolves once it listens (and watched files are read).
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  checkServerOptions(options);
  const onProblem = options.onProblem ?? defaultProblemReporter;
  const ownStore = options.store === undefined;
  const store = options.store ?? new SqliteTraceStore({ path: options.db ?? SERVER_DEFAULTS.db });
  const hub = new LiveHub({
    maxSubscribers: options.maxLiveSubscribers ?? SERVER_DEFAULTS.maxLiveSubscribers,
    maxTotalQueuedBytes: options.maxLiveBufferBytes ?? SERVER_DEFAULTS.maxLiveBufferBytes,
  });
  const host = options.host ?? SERVER_DEFAULTS.host;
  const ingest = async (records: NormalizedRecord[], cursor?: SourceCursor): Promise<IngestChanges> => {
    const changes = await store.ingest(records, cursor);
    hub.publish(changes);
    return changes;
  };
  const context: ServerContext = {
    store,
    hub,
    ingest,
    token: options.token,
    maxBodyBytes: options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes,
    maxBatchLines: options.maxBatchLines ?? SERVER_DEFAULTS.maxBatchLines,
    hostPolicy: new HostPolicy(host, options.allowedHosts),
    viewerDir: options.viewerDir === null ? undefined : (options.viewerDir ?? findViewerDir()),
    onProblem,
  };

  const policy: RetentionPolicy = {};
  if (options.retentionDays !== undefined) policy.maxAgeDays = options.retentionDays;
  if (options.maxRows !== undefined) policy.maxRows = options.maxRows;
  const retain = async (): Promise<void> => {
    try {
      await store.applyRetention(policy, Date.now() * 1000);
    } catch (error) {
      onProblem(`retention failed: ${(error as Error).message}`);
    }
  };
  let retentionTimer: NodeJS.Timeout | undefined;
  if (policy.maxAgeDays !== undefined || policy.maxRows !== undefined) {
    await retain();
    retentionTimer = setInterval(() => void retain(), options.retentionIntervalMs ?? SERVER_DEFAULTS.retentionIntervalMs);
    retentionTimer.unref();
  }

  const headersTimeout = options.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  // Node checks the two timeouts on this interval (30 s by default), so it is kept below the shorter one.
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, headersTimeout / 2, requestTimeout / 2));
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval }, createRequestHandler(context));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? SERVER_DEFAULTS.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(retentionTimer);
    hub.close();
    if (ownStore) await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (the port is in use: pick another with --port, or 0 for any free port)' : '';
    throw new Error(`aitrace server: cannot listen on ${host}:${options.port ?? SERVER_DEFAULTS.port}: ${(error as Error).message}${hint}`, { cause: error });
  }
  const port = (server.address() as AddressInfo).port;

  let watcher: TraceWatcher | undefined;
  if (options.watch !== undefined && options.watch.length > 0) {
    watcher = new TraceWatcher({
      paths: options.watch,
      ingest,
      savedCursor: (fileId) => store.getSourceCursor(fileId),
      intervalMs: options.watchIntervalMs ?? SERVER_DEFAULTS.watchIntervalMs,
      onProblem,
    });
    await watcher.start();
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(retentionTimer);
      await watcher?.close();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownStore) await store.close();
    })();
    return closing;
  };
  return { url: `http://${urlHost(host)}:${port}/`, port, host, store, ingest: (records) => ingest(records), close };
}
