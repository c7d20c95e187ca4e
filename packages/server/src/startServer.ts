import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terminalSafe, type NormalizedRecord } from '@aitrace/format';
import { StoreTraceSource } from '@aitrace/mcp';
import { createRequestHandler } from './createRequestHandler.js';
import { HostPolicy } from './http/HostPolicy.js';
import { startOtlpGrpcServer, type OtlpGrpcServer } from './grpc/startOtlpGrpcServer.js';
import { RefusalLog } from './http/RefusalLog.js';
import { LiveHub } from './LiveHub.js';
import { findViewerDir } from './serveViewer.js';
import type { ServerContext } from './ServerContext.js';
import { checkServerOptions, SERVER_DEFAULTS, type ServerOptions } from './ServerOptions.js';
import { isPostgresUrl, PgTraceStore } from './store/PgTraceStore.js';
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
  /** The separate OTLP/HTTP listener, when one was asked for: its port and base URL (`http://host:port/`). */
  otlpHttp?: { port: number; url: string };
  /** The OTLP/gRPC listener, when one was asked for: its port and `host:port` address. */
  otlpGrpc?: { port: number; address: string };
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

/** Listens; a failure names the address, what it was for and the option (flag) that picks another port. */
async function listen(server: HttpServer, host: string, port: number, what: string, flag: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, host, port, what, flag);
  }
  return (server.address() as AddressInfo).port;
}

function listenError(error: unknown, host: string, port: number, what: string, flag: string): Error {
  const message = (error as Error).message;
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || message.includes('EADDRINUSE');
  const hint = inUse ? ` (the port is in use: pick another with ${flag}, 0 for any free port${flag === '--port' ? '' : `, or ${flag} off`})` : '';
  return new Error(`aitrace server: cannot listen on ${urlHost(host)}:${port} for ${what}: ${message}${hint}`, { cause: error });
}

/**
 * Starts the trace server: JSONL and OTLP ingest (OTLP/HTTP on the main port and optionally its own, OTLP/gRPC
 * optionally), query API, live updates over SSE, the web viewer, optional file watching and retention.
 * Resolves once it listens on every port (and watched files are read).
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  checkServerOptions(options);
  const onProblem = options.onProblem ?? defaultProblemReporter;
  const ownStore = options.store === undefined;
  const db = options.db ?? SERVER_DEFAULTS.db;
  const store: TraceStore = options.store ?? (isPostgresUrl(db) ? await PgTraceStore.open({ url: db, onProblem }) : new SqliteTraceStore({ path: db }));
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
  // Other instances on the same database: their ingests reach this instance's viewers too.
  const stopWatchingOthers = await store.watchOtherInstances?.(
    (changes) => hub.publish(changes),
    (traceId) => hub.watches(traceId),
  );
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
    mcpSource: new StoreTraceSource(store),
    refusals: new RefusalLog({ report: options.onRefusal ?? defaultProblemReporter }),
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
  const httpOptions = { headersTimeout, requestTimeout, connectionsCheckingInterval };
  const server = createServer(httpOptions, createRequestHandler(context));
  // The OTLP/HTTP port goes through the same handler (limits, token, answers), restricted to the OTLP routes.
  const otlpHttpServer =
    options.otlpHttpPort === undefined || options.otlpHttpPort === 'off'
      ? undefined
      : createServer(httpOptions, createRequestHandler(context, { otlpOnly: true }));
  let grpcServer: OtlpGrpcServer | undefined;
  const closeListeners = async (): Promise<void> => {
    grpcServer?.close();
    await Promise.all(
      [server, otlpHttpServer].map(
        (listener) =>
          new Promise<void>((resolve) => {
            if (listener === undefined || !listener.listening) return resolve();
            listener.close(() => resolve());
            listener.closeAllConnections();
          }),
      ),
    );
  };
  let port: number;
  let otlpHttpPort: number | undefined;
  try {
    port = await listen(server, host, options.port ?? SERVER_DEFAULTS.port, 'the API, viewer and ingest', '--port');
    if (otlpHttpServer !== undefined) otlpHttpPort = await listen(otlpHttpServer, host, options.otlpHttpPort as number, 'OTLP/HTTP', '--otlp-http-port');
    const grpcPort = options.otlpGrpcPort ?? SERVER_DEFAULTS.otlpGrpcPort;
    if (grpcPort !== 'off') {
      try {
        grpcServer = await startOtlpGrpcServer(context, host, grpcPort);
      } catch (error) {
        throw listenError(error, host, grpcPort, 'OTLP/gRPC', '--otlp-grpc-port');
      }
    }
  } catch (error) {
    await closeListeners();
    clearInterval(retentionTimer);
    await stopWatchingOthers?.();
    hub.close();
    if (ownStore) await store.close();
    throw error;
  }

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
      await stopWatchingOthers?.();
      hub.close();
      await closeListeners();
      if (ownStore) await store.close();
    })();
    return closing;
  };
  const running: RunningServer = { url: `http://${urlHost(host)}:${port}/`, port, host, store, ingest: (records) => ingest(records), close };
  if (otlpHttpPort !== undefined) running.otlpHttp = { port: otlpHttpPort, url: `http://${urlHost(host)}:${otlpHttpPort}/` };
  if (grpcServer !== undefined) running.otlpGrpc = { port: grpcServer.port, address: `${urlHost(host)}:${grpcServer.port}` };
  return running;
}
