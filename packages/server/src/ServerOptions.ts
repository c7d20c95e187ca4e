import { isHostName } from './http/HostPolicy.js';
import type { TraceStore } from './store/TraceStore.js';

/** Options of `startServer`; every one has a documented default in `SERVER_DEFAULTS`. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one (default 4319). */
  port?: number;
  /** Interface to bind, for the main port and the OTLP ports (default 127.0.0.1: only this machine can connect). */
  host?: string;
  /**
   * Host names the server also answers to, besides localhost, 127.0.0.0/8, [::1] and `host` (say, a reverse proxy's
   * name). Requests with any other `Host` header are refused, which defeats DNS rebinding (default none).
   */
  allowedHosts?: readonly string[];
  /**
   * Port of a separate OTLP/HTTP listener (`POST /v1/traces`, `/v1/logs`, `/v1/metrics` only), 0 for any free
   * port, `'off'` for none (default `'off'`; `aitrace serve` opens 4318). OTLP/HTTP is always served on `port` too.
   */
  otlpHttpPort?: number | 'off';
  /** Port of the OTLP/gRPC listener, 0 for any free port, `'off'` for none (default `'off'`; `aitrace serve` opens 4317). */
  otlpGrpcPort?: number | 'off';
  /**
   * SQLite database file, created if missing, or `:memory:`, or a PostgreSQL URL (`postgres://USER@HOST:PORT/DB`)
   * that several instances may share (default `aitrace.db` in the working directory).
   */
  db?: string;
  /** A store to use instead of opening `db`; the server does not close it. */
  store?: TraceStore;
  /** Trace files, or directories of `*.jsonl` files, to tail and ingest. */
  watch?: readonly string[];
  /** How often watched files are checked, ms (default 250). */
  watchIntervalMs?: number;
  /** Bearer token required on every data endpoint (ingest and read); none by default. */
  token?: string;
  /** Largest request body, bytes, before and after decompression (default 10 MiB). */
  maxBodyBytes?: number;
  /** Most lines in one JSONL batch, counted before parsing (default 100,000). */
  maxBatchLines?: number;
  /** Most live-update (SSE) subscribers at once; one more is answered 503 (default 100). */
  maxLiveSubscribers?: number;
  /** Most bytes queued for all live-update subscribers together; past it the furthest behind is dropped (default 64 MiB). */
  maxLiveBufferBytes?: number;
  /** Delete traces whose latest record is older than this many days (default: keep). */
  retentionDays?: number;
  /** Keep at most this many rows (spans, span events, logs), deleting the oldest traces (default: no limit). */
  maxRows?: number;
  /** How often retention runs after the run at startup, ms (default 10 minutes). */
  retentionIntervalMs?: number;
  /** Directory of the built web viewer; `null` serves none (default: `@aitrace/viewer`'s `dist/` if installed). */
  viewerDir?: string | null;
  /** Time allowed to receive request headers, ms (default 10 s): slow clients cannot hold sockets. */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, ms (default 60 s). */
  requestTimeoutMs?: number;
  /** Told about bad lines in watched files and unexpected errors (default: written to stderr). */
  onProblem?: (message: string) => void;
  /** Told about refused requests (400, 401, 413, 415), once per sender and reason a minute (default: written to stderr). */
  onRefusal?: (message: string) => void;
}

/** Defaults of `ServerOptions`, in one place. */
export const SERVER_DEFAULTS = {
  port: 4319,
  host: '127.0.0.1',
  db: 'aitrace.db',
  watchIntervalMs: 250,
  maxBodyBytes: 10 * 1024 * 1024,
  maxBatchLines: 100_000,
  maxLiveSubscribers: 100,
  maxLiveBufferBytes: 64 * 1024 * 1024,
  retentionIntervalMs: 10 * 60 * 1000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  otlpHttpPort: 'off',
  otlpGrpcPort: 'off',
} as const;

/** The standard OTLP ports, where every SDK sends by default: what `aitrace serve` opens unless told otherwise. */
export const OTLP_DEFAULT_PORTS = { http: 4318, grpc: 4317 } as const;

const isPort = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;

function check(ok: boolean, option: string, rule: string, value: unknown): void {
  if (!ok) throw new RangeError(`aitrace server: option ${option} must be ${rule}, got ${JSON.stringify(value)}`);
}

const positive = (value: number | undefined): boolean => value === undefined || (Number.isFinite(value) && value > 0);
const wholeAboveZero = (value: number | undefined): boolean => value === undefined || (Number.isSafeInteger(value) && value > 0);

/** Throws a RangeError naming the first option that is out of range. */
export function checkServerOptions(options: ServerOptions): void {
  check(options.port === undefined || isPort(options.port), 'port', 'a whole number from 0 to 65535', options.port);
  for (const name of ['otlpHttpPort', 'otlpGrpcPort'] as const) {
    check(options[name] === undefined || options[name] === 'off' || isPort(options[name]), name, 'a whole number from 0 to 65535 or "off"', options[name]);
  }
  check(options.token === undefined || options.token.trim() !== '', 'token', 'a non-empty string', options.token);
  for (const name of ['maxBodyBytes', 'maxBatchLines', 'maxLiveSubscribers', 'maxLiveBufferBytes'] as const) {
    check(wholeAboveZero(options[name]), name, 'a whole number above 0', options[name]);
  }
  for (const host of options.allowedHosts ?? []) {
    check(typeof host === 'string' && isHostName(host), 'allowedHosts', 'a list of host names without scheme or path (like traces.example.com)', host);
  }
  check(positive(options.retentionDays), 'retentionDays', 'a number of days above 0', options.retentionDays);
  check(wholeAboveZero(options.maxRows), 'maxRows', 'a whole number above 0', options.maxRows);
  for (const name of ['watchIntervalMs', 'retentionIntervalMs', 'headersTimeoutMs', 'requestTimeoutMs'] as const) {
    check(positive(options[name]), name, 'a number of milliseconds above 0', options[name]);
  }
}
