import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { terminalSafe } from '@aitrace/format';
import { hostNameOf, isHostName, isLoopbackName } from './http/HostPolicy.js';
import { OTLP_DEFAULT_PORTS, SERVER_DEFAULTS, type ServerOptions } from './ServerOptions.js';
import { startServer } from './startServer.js';
import { isPostgresUrl, redactedUrl } from './store/PgTraceStore.js';

/** Where `runServeCommand` writes and what stops it (tests pass these; the CLI uses the defaults). */
export interface ServeCommandIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Stops the server like Ctrl-C does. */
  signal?: AbortSignal;
  /** Environment to read AITRACE_SERVER_TOKEN and AITRACE_DB from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** `aitrace serve --help`. */
export const SERVE_HELP = `Usage: aitrace serve [options]

Runs the trace server: receives records (JSONL, and OTLP traces and logs over OTLP/HTTP protobuf
or JSON and OTLP/gRPC), stores them in SQLite or PostgreSQL, answers the query API under /api/ and
serves the web viewer.

Options:
  --port N              TCP port, 0 for any free port (default ${SERVER_DEFAULTS.port})
  --otlp-http-port N|off
                        OTLP/HTTP port (/v1/traces, /v1/logs, /v1/metrics), 0 for any free port,
                        off for none (default ${OTLP_DEFAULT_PORTS.http}); OTLP/HTTP is also served on --port
  --otlp-grpc-port N|off
                        OTLP/gRPC port, 0 for any free port, off for none (default ${OTLP_DEFAULT_PORTS.grpc})
  --host HOST           interface to bind, for every port (default ${SERVER_DEFAULTS.host}, this machine only)
  --allowed-host NAME   also answer requests whose Host header is NAME, e.g. a reverse proxy's name
                        (repeatable; localhost, 127.0.0.0/8, [::1] and --host are always answered)
  --db FILE|:memory:|postgres://USER@HOST:PORT/DB
                        SQLite database file, created if missing, or a PostgreSQL database that several
                        instances can share (default: the AITRACE_DB environment variable, else ${SERVER_DEFAULTS.db})
  --watch FILE|DIR      tail a trace file, or the *.jsonl files of a directory (repeatable)
  --token T             require "Authorization: Bearer T" on every data endpoint
                        (default: the AITRACE_SERVER_TOKEN environment variable, else none)
  --max-body SIZE       largest request body, bytes or with k/m suffix (default 10m)
  --max-lines N         most lines in one JSONL batch (default ${SERVER_DEFAULTS.maxBatchLines})
  --max-subscribers N   most live-update (SSE) subscribers at once (default ${SERVER_DEFAULTS.maxLiveSubscribers})
  --max-live-buffer SIZE  most bytes queued for all live subscribers together (default 64m)
  --retention-days N    delete traces older than N days (default: keep)
  --max-rows N          keep at most N rows (spans, events, logs), oldest traces deleted first
  --viewer DIR          serve the web viewer from DIR (default: the installed @aitrace/viewer)
  -h, --help            show this help

Endpoints:
  POST /api/ingest      JSONL records (Content-Type application/x-ndjson; gzip accepted);
                        a batch with a bad line is refused whole (400)
  POST /v1/traces       OTLP/HTTP traces, protobuf or JSON (gzip accepted)   POST /v1/logs  logs
  POST /v1/metrics      accepted and dropped, with a partial success saying metrics are not stored
  gRPC                  opentelemetry.proto.collector.{trace,logs,metrics}.v1 .../Export
  GET  /api/traces      trace list (service, name, status, from, to, attr=key=value, q, limit, cursor)
  GET  /api/traces/ID   one trace's records        GET  /api/stats  span statistics
  GET  /api/events      live updates (Server-Sent Events; ?trace=ID for one trace)
  POST /mcp             the MCP tools for coding agents (Streamable HTTP): search traces, spans, errors, stats`;

class UsageError extends Error {}

function wholeNumber(value: string | undefined, option: string, min: number, max = Number.MAX_SAFE_INTEGER, orElse = ''): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(
      `--${option} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}${orElse}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function byteSize(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*([kmg]?)i?b?$/i.exec(value);
  const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  const bytes = match === null ? Number.NaN : Number(match[1]) * units[match[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`--${option} must be a size like 1048576, 512k or 10m, got ${JSON.stringify(value)}`);
  return bytes;
}

function parseServeArgs(argv: string[], env: Readonly<Record<string, string | undefined>>): ServerOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        'otlp-http-port': { type: 'string' },
        'otlp-grpc-port': { type: 'string' },
        host: { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        db: { type: 'string' },
        watch: { type: 'string', multiple: true },
        token: { type: 'string' },
        'max-body': { type: 'string' },
        'max-lines': { type: 'string' },
        'max-subscribers': { type: 'string' },
        'max-live-buffer': { type: 'string' },
        'retention-days': { type: 'string' },
        'max-rows': { type: 'string' },
        viewer: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help === true) return 'help';
  const options: ServerOptions = {};
  const port = wholeNumber(values.port, 'port', 0, 65535);
  if (port !== undefined) options.port = port;
  options.otlpHttpPort =
    values['otlp-http-port'] === 'off' ? 'off' : (wholeNumber(values['otlp-http-port'], 'otlp-http-port', 0, 65535, ' or off') ?? OTLP_DEFAULT_PORTS.http);
  options.otlpGrpcPort =
    values['otlp-grpc-port'] === 'off' ? 'off' : (wholeNumber(values['otlp-grpc-port'], 'otlp-grpc-port', 0, 65535, ' or off') ?? OTLP_DEFAULT_PORTS.grpc);
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw new UsageError('--host must name an interface, like 127.0.0.1 or 0.0.0.0');
    options.host = values.host;
  }
  const db = values.db ?? (env.AITRACE_DB === '' ? undefined : env.AITRACE_DB);
  if (db !== undefined) {
    if (db === '') throw new UsageError('--db must be a file path, :memory: or a postgres:// URL');
    if (/^postgres(ql)?:/i.test(db) && !isPostgresUrl(db))
      throw new UsageError(
        `--db${values.db === undefined ? ' (from AITRACE_DB)' : ''} must be a URL like postgres://USER@HOST:5432/DB, got ${JSON.stringify(redactedUrl(db))}`,
      );
    options.db = db;
  }
  if (values.watch !== undefined) options.watch = values.watch.map((path) => resolve(path));
  const token = values.token ?? env.AITRACE_SERVER_TOKEN;
  if (token !== undefined && token !== '') {
    if (token.trim() === '' || /\s/.test(token))
      throw new UsageError(`--token must not be blank or contain spaces${values.token === undefined ? ' (from AITRACE_SERVER_TOKEN)' : ''}`);
    options.token = token;
  } else if (values.token === '') {
    throw new UsageError('--token must not be empty');
  }
  for (const name of values['allowed-host'] ?? []) {
    if (!isHostName(name))
      throw new UsageError(`--allowed-host must be a host name without scheme or path, like traces.example.com, got ${JSON.stringify(name)}`);
  }
  if (values['allowed-host'] !== undefined) options.allowedHosts = values['allowed-host'];
  const maxBody = byteSize(values['max-body'], 'max-body');
  if (maxBody !== undefined) options.maxBodyBytes = maxBody;
  const maxLines = wholeNumber(values['max-lines'], 'max-lines', 1);
  if (maxLines !== undefined) options.maxBatchLines = maxLines;
  const maxSubscribers = wholeNumber(values['max-subscribers'], 'max-subscribers', 1);
  if (maxSubscribers !== undefined) options.maxLiveSubscribers = maxSubscribers;
  const maxLiveBuffer = byteSize(values['max-live-buffer'], 'max-live-buffer');
  if (maxLiveBuffer !== undefined) options.maxLiveBufferBytes = maxLiveBuffer;
  const days = values['retention-days'];
  if (days !== undefined) {
    const number = Number(days);
    if (!/^\d+(\.\d+)?$/.test(days) || !(number > 0)) throw new UsageError(`--retention-days must be a number of days above 0, got ${JSON.stringify(days)}`);
    options.retentionDays = number;
  }
  const maxRows = wholeNumber(values['max-rows'], 'max-rows', 1);
  if (maxRows !== undefined) options.maxRows = maxRows;
  if (values.viewer !== undefined) options.viewerDir = resolve(values.viewer);
  return options;
}

/**
 * `aitrace serve`: parses the options, starts the server, prints its URL and runs until SIGINT/SIGTERM
 * (or `io.signal`). Returns the exit code: 0 after a clean shutdown, 1 when the server cannot start,
 * 2 for a usage error (the message names the option).
 */
export async function runServeCommand(argv: string[], io: ServeCommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  let options: ServerOptions | 'help';
  try {
    options = parseServeArgs(argv, io.env ?? process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr(`aitrace serve: ${error.message}\nRun "aitrace serve --help" for usage.\n`);
    return 2;
  }
  if (options === 'help') {
    stdout(`${SERVE_HELP}\n`);
    return 0;
  }
  if (io.signal?.aborted === true) return 0;
  let server;
  try {
    const report = (message: string): void => stderr(`aitrace serve: ${terminalSafe(message)}\n`);
    server = await startServer({ ...options, onProblem: report, onRefusal: report });
  } catch (error) {
    stderr(`${(error as Error).message.startsWith('aitrace') ? '' : 'aitrace serve: '}${(error as Error).message}\n`);
    return 1;
  }
  const db = options.db ?? SERVER_DEFAULTS.db;
  stdout(`aitrace server listening on ${server.url}\n`);
  stdout(`  database: ${db === ':memory:' ? ':memory: (nothing kept after exit)' : isPostgresUrl(db) ? `${redactedUrl(db)} (PostgreSQL)` : resolve(db)}\n`);
  for (const path of options.watch ?? []) stdout(`  watching: ${path}\n`);
  if (options.token !== undefined) stdout('  a bearer token is required for ingest and queries\n');
  const bound = options.host ?? SERVER_DEFAULTS.host;
  if (options.token === undefined && !isLoopbackName(hostNameOf(bound) ?? bound)) {
    stderr(
      `aitrace serve: warning: listening on ${bound} without a token: anyone who can reach this machine can read and write its traces; pass --token (or AITRACE_SERVER_TOKEN)\n`,
    );
  }
  stdout(`  OTLP/HTTP (protobuf, JSON): ${server.url}v1/traces and ${server.url}v1/logs\n`);
  if (server.otlpHttp !== undefined)
    stdout(`  OTLP/HTTP (protobuf, JSON): ${server.otlpHttp.url} (OTEL_EXPORTER_OTLP_ENDPOINT=${server.otlpHttp.url.slice(0, -1)})\n`);
  if (server.otlpGrpc !== undefined)
    stdout(`  OTLP/gRPC: ${server.otlpGrpc.address} (OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://${server.otlpGrpc.address})\n`);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolveStop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  stdout('aitrace server stopped\n');
  return 0;
}
