import type { NormalizedRecord } from '@aitrace/format';
import type { Facets } from '@aitrace/forest';
import type { ListRequest } from '../model/listOptions.js';
import type { LogViewQuery } from '../model/logQuery.js';
import { boundsToParams, type TimeBounds } from '../model/timeRange.js';
import type { TraceListItem, TraceListPage } from '../model/TraceListItem.js';
import { queryToParams, type TraceQuery } from '../model/traceQuery.js';
import { HttpStatusError } from './HttpStatusError.js';
import { NdjsonBatcher } from './NdjsonBatcher.js';
import { readToken } from './tokenStore.js';
import type { LogListPage, TraceListener, TraceSource } from './TraceSource.js';

const PAGE_SIZE = 100;
/** A trace of up to this many records is shown whole; a bigger one is first drawn with this many. */
const FIRST_BATCH = 5000;
/** Then it grows by batches of this many (each a rebuild of the trace). */
const LATER_BATCH = 50_000;
const LOG_PAGE_SIZE = 200;

/** The `GET /api/logs` filter parameters of a logs-view query (no range preset: concrete bounds). */
function logParams(query: LogViewQuery, bounds: TimeBounds): URLSearchParams {
  const params = queryToParams({
    attrs: query.attrs,
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(query.service !== undefined ? { service: query.service } : {}),
  });
  if (query.level !== undefined) params.set('level', query.level);
  if (query.traceId !== undefined) params.set('trace', query.traceId);
  boundsToParams(bounds, params);
  return params;
}

/** Traces from the aitrace server that serves this page: its `/api/` routes and Server-Sent Events. */
export class ServerSource implements TraceSource {
  readonly live = true;
  readonly problems = [];

  constructor(
    private readonly base: URL,
    readonly title: string,
  ) {}

  private url(path: string, params: URLSearchParams = new URLSearchParams(), forEvents = false): string {
    const token = readToken();
    // EventSource cannot send headers, so the stream takes the token as a parameter.
    if (forEvents && token !== undefined) params.set('access_token', token);
    const query = params.toString();
    return new URL(`${path}${query === '' ? '' : `?${query}`}`, this.base).href;
  }

  /** A GET with the token; throws HttpStatusError with the server's own message on any status but 2xx. */
  private async get(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<Response> {
    const token = readToken();
    const response = await fetch(this.url(path, params), { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` }, signal: signal ?? null });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        message = ((await response.json()) as { error?: string }).error ?? message;
      } catch {
        // Not JSON (a proxy's error page); the status line says enough.
      }
      throw new HttpStatusError(response.status, message);
    }
    return response;
  }

  private async getJson<T>(path: string, params?: URLSearchParams): Promise<T> {
    return (await (await this.get(path, params)).json()) as T;
  }

  /**
   * Reads a trace as NDJSON records, parents first, and hands them on as they arrive: a trace of up to
   * FIRST_BATCH records at once, a bigger one in batches, so the view draws its first spans while the rest is
   * still on its way.
   */
  private async streamTrace(traceId: string, onRecords: (records: NormalizedRecord[], more: boolean) => void, signal: AbortSignal): Promise<void> {
    const response = await this.get(`api/traces/${encodeURIComponent(traceId)}`, new URLSearchParams({ format: 'records' }), signal);
    // No body at all is an empty trace: the view still learns that nothing more is coming.
    if (response.body === null) {
      onRecords([], false);
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const batcher = new NdjsonBatcher<NormalizedRecord>((records, last) => onRecords(records, !last), FIRST_BATCH, LATER_BATCH);
    for (let read = await reader.read(); !read.done; read = await reader.read()) batcher.push(read.value);
    batcher.end();
  }

  listTraces(query: TraceQuery, cursor: string | null, request: ListRequest = {}): Promise<TraceListPage> {
    const params = queryToParams(query);
    boundsToParams(request.bounds ?? {}, params);
    if (request.sort !== undefined && request.sort !== 'start') params.set('sort', request.sort);
    if (request.order !== undefined && request.order !== 'desc') params.set('order', request.order);
    params.set('limit', String(request.limit ?? PAGE_SIZE));
    if (cursor !== null) params.set('cursor', cursor);
    return this.getJson<TraceListPage>('api/traces', params);
  }

  listLogs(query: LogViewQuery, bounds: TimeBounds, cursor: string | null): Promise<LogListPage> {
    const params = logParams(query, bounds);
    if (query.oldestFirst) params.set('order', 'asc');
    params.set('limit', String(LOG_PAGE_SIZE));
    if (cursor !== null) params.set('cursor', cursor);
    return this.getJson<LogListPage>('api/logs', params);
  }

  traceFacets(query: TraceQuery, bounds: TimeBounds): Promise<Facets> {
    const params = queryToParams(query);
    boundsToParams(bounds, params);
    return this.getJson<Facets>('api/facets', params);
  }

  logFacets(query: LogViewQuery, bounds: TimeBounds): Promise<Facets> {
    const params = logParams(query, bounds);
    params.set('scope', 'logs');
    return this.getJson<Facets>('api/facets', params);
  }

  watchRecords(onRecords: (records: NormalizedRecord[]) => void, onConnection: (connected: boolean) => void): () => void {
    const events = new EventSource(this.url('api/events', new URLSearchParams({ records: 'all' }), true));
    events.addEventListener('ready', () => onConnection(true));
    events.addEventListener('records', (event) => onRecords((JSON.parse((event as MessageEvent<string>).data) as { records: NormalizedRecord[] }).records));
    events.addEventListener('error', () => onConnection(false));
    return () => events.close();
  }

  openTrace(traceId: string, listener: TraceListener): () => void {
    let stopped = false;
    let loads = 0;
    const loading = new AbortController();
    // Subscribing first and loading on `ready` (also after each reconnect) means no record falls in between.
    const load = (): void => {
      loads++;
      this.streamTrace(
        traceId,
        (records, more) => {
          if (!stopped) listener.records(records, more);
        },
        loading.signal,
      ).then(
        () => {},
        (error: unknown) => {
          if (stopped) return;
          if (error instanceof HttpStatusError && error.status === 404) listener.missing();
          else listener.failed(error as Error);
        },
      );
    };
    const events = new EventSource(this.url('api/events', new URLSearchParams({ trace: traceId }), true));
    events.addEventListener('ready', () => {
      listener.connection(true);
      load();
    });
    events.addEventListener('records', (event) => {
      listener.records((JSON.parse((event as MessageEvent<string>).data) as { records: NormalizedRecord[] }).records);
    });
    events.addEventListener('error', () => {
      if (stopped) return;
      listener.connection(false);
      // A stream refused outright (401, say) never sends `ready`; loading once tells the viewer why.
      if (events.readyState === EventSource.CLOSED && loads === 0) load();
    });
    return () => {
      stopped = true;
      loading.abort();
      events.close();
    };
  }

  watchTraces(onChange: (trace: TraceListItem) => void, onConnection: (connected: boolean) => void): () => void {
    const events = new EventSource(this.url('api/events', new URLSearchParams(), true));
    events.addEventListener('ready', () => onConnection(true));
    events.addEventListener('trace', (event) => onChange(JSON.parse((event as MessageEvent<string>).data) as TraceListItem));
    events.addEventListener('error', () => onConnection(false));
    return () => events.close();
  }
}
