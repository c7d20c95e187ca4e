import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasValidToken } from './http/bearerAuth.js';
import { HttpError } from './http/HttpError.js';
import { sendOtlpError } from './http/otlpAnswer.js';
import { sendJson } from './http/respond.js';
import { ingestJsonl } from './routes/ingestJsonl.js';
import { ingestOtlp } from './routes/ingestOtlp.js';
import { getFacets } from './routes/facetRoutes.js';
import { listLogs } from './routes/logRoutes.js';
import { serveMcp } from './routes/mcpRoute.js';
import { getStats, getTrace, listTraces } from './routes/queryRoutes.js';
import { serveViewer } from './serveViewer.js';
import type { ServerContext } from './ServerContext.js';
import { QueryError } from './store/QueryError.js';
import { RETRY_AFTER_SECONDS, StoreUnavailableError } from './store/StoreUnavailableError.js';

// Refusals a misconfigured client keeps getting (403: a Host or origin this server does not answer), logged (once per sender and reason) since SDKs never show them.
const LOGGED_REFUSALS: ReadonlySet<number> = new Set([400, 401, 403, 413, 415]);
const OTLP_PATHS: Readonly<Record<string, 'traces' | 'logs' | 'metrics'>> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

/** Options of createRequestHandler. */
export interface RequestHandlerOptions {
  /** Serve only the OTLP/HTTP routes (the dedicated OTLP port, 4318 by default). */
  otlpOnly?: boolean;
}

function allow(methods: string, request: IncomingMessage): void {
  if (!methods.split(', ').includes(request.method ?? ''))
    throw new HttpError(405, `${request.method} is not allowed here; use ${methods}`, {}, { Allow: methods });
}

async function route(request: IncomingMessage, response: ServerResponse, url: URL, context: ServerContext, options: RequestHandlerOptions): Promise<void> {
  const path = url.pathname;
  // Every answer, the viewer's files included, only to the names this server goes by (DNS rebinding).
  const wrongHost = context.hostPolicy.refuseHost(request);
  if (wrongHost !== undefined) throw new HttpError(403, wrongHost);
  if (options.otlpOnly === true && OTLP_PATHS[path] === undefined)
    throw new HttpError(404, `this is the OTLP/HTTP port: POST /v1/traces, /v1/logs or /v1/metrics; the API and viewer are on the main port`);
  const isApi = path.startsWith('/api/') || path === '/api' || path.startsWith('/v1/') || path === '/mcp';
  if (!isApi) {
    allow('GET, HEAD', request);
    await serveViewer(response, context.viewerDir, path, request.method === 'HEAD');
    return;
  }
  if (path === '/api/health') {
    allow('GET', request);
    sendJson(response, 200, { status: 'ok', auth: context.token !== undefined });
    return;
  }
  const crossSite = context.hostPolicy.refuseCrossSite(request);
  if (crossSite !== undefined) throw new HttpError(403, crossSite);
  if (context.token !== undefined && !hasValidToken(request, url, context.token)) {
    throw new HttpError(
      401,
      'a bearer token is required: send "Authorization: Bearer <token>" (the --token of the server)',
      {},
      { 'WWW-Authenticate': 'Bearer realm="aitrace"' },
    );
  }
  if (path === '/api/ingest') {
    allow('POST', request);
    return ingestJsonl(request, response, context);
  }
  const signal = OTLP_PATHS[path];
  if (signal !== undefined) {
    allow('POST', request);
    return ingestOtlp(signal, request, response, context);
  }
  if (path === '/api/traces') {
    allow('GET', request);
    return listTraces(url, response, context);
  }
  const traceMatch = /^\/api\/traces\/([^/]+)$/.exec(path);
  if (traceMatch !== null) {
    allow('GET', request);
    return getTrace(decodeURIComponent(traceMatch[1]!), url, response, context);
  }
  if (path === '/api/stats') {
    allow('GET', request);
    return getStats(url, response, context);
  }
  if (path === '/api/logs') {
    allow('GET', request);
    return listLogs(url, response, context);
  }
  if (path === '/api/facets') {
    allow('GET', request);
    return getFacets(url, response, context);
  }
  if (path === '/api/events') {
    allow('GET', request);
    const trace = url.searchParams.get('trace');
    const records = url.searchParams.get('records');
    if (records !== null && records !== 'all')
      throw new HttpError(400, `records must be all (every record as stored, for the live stream), got ${JSON.stringify(records)}`);
    if (records === 'all' && trace !== null && trace !== '')
      throw new HttpError(400, 'records=all streams every trace; leave out trace, or leave out records to follow one trace');
    context.hub.subscribe(response, records === 'all' ? { allRecords: true } : trace === null || trace === '' ? {} : { traceId: trace.toLowerCase() });
    return;
  }
  if (path === '/mcp') {
    allow('POST', request);
    return serveMcp(request, response, context);
  }
  throw new HttpError(
    404,
    `no API route ${path}; see /mcp, /api/traces, /api/traces/{traceId}, /api/logs, /api/facets, /api/stats, /api/events, /api/ingest, /v1/traces, /v1/logs, /v1/metrics`,
  );
}

function sendError(request: IncomingMessage, response: ServerResponse, url: URL, error: unknown, context: ServerContext): void {
  let httpError: HttpError;
  if (error instanceof HttpError) httpError = error;
  else if (error instanceof QueryError) httpError = new HttpError(400, error.message);
  else if (error instanceof StoreUnavailableError)
    httpError = new HttpError(503, `${error.message}; nothing was stored, retry later`, {}, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  else if (error instanceof URIError) httpError = new HttpError(400, `the path is not valid percent-encoding: ${error.message}`);
  else {
    context.onProblem(`internal error on ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
    httpError = new HttpError(500, `internal error: ${(error as Error).message}`);
  }
  // The socket is gone (null) once a refused upload's connection was closed.
  const sender = (request.socket as IncomingMessage['socket'] | null)?.remoteAddress ?? 'unknown';
  if (LOGGED_REFUSALS.has(httpError.status)) context.refusals.note(sender, httpError.status, `${request.method} ${url.pathname}`, httpError.message);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // Nobody is left to answer (the client closed the connection or a timeout cut it).
  if (response.socket === null || response.socket.destroyed) return;
  // OTLP clients read a google.rpc.Status; everyone else gets { error, ...details }.
  if (url.pathname.startsWith('/v1/')) sendOtlpError(request, response, httpError);
  else sendJson(response, httpError.status, { error: httpError.message, ...httpError.details }, httpError.headers);
}

/** The server's request listener: routes, the Host, Origin and bearer-token checks, and error answers. */
export function createRequestHandler(
  context: ServerContext,
  options: RequestHandlerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      sendJson(response, 400, { error: `the request target ${JSON.stringify(request.url)} is not a valid URL` });
      return;
    }
    route(request, response, url, context, options).catch((error: unknown) => sendError(request, response, url, error, context));
  };
}
