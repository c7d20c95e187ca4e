import type { TraceSummary } from '@aitrace/forest';
import type { NormalizedRecord } from '@aitrace/format';
import { SourceError } from './SourceError.js';
import type { CatalogPage, CatalogQuery, TraceCatalog } from './TraceCatalog.js';

/** Options for `HttpTraceCatalog`. */
export interface HttpTraceCatalogOptions {
  /** The server's bearer token (its `--token`), if it requires one. */
  token?: string | undefined;
  /** How long one request may take, ms (default 60,000: a 100,000-span trace is a few tens of MB). */
  timeoutMs?: number | undefined;
}

/** The query API of a running `aitrace serve` (`/api/traces`, `/api/traces/{id}`), as the tools' catalog. */
export class HttpTraceCatalog implements TraceCatalog {
  private readonly base: URL;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  /** `serverUrl` is the server's base URL, e.g. `http://127.0.0.1:4319/`. */
  constructor(serverUrl: string, options: HttpTraceCatalogOptions = {}) {
    this.base = new URL(serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async listTraces(query: CatalogQuery): Promise<CatalogPage> {
    const params = new URLSearchParams();
    if (query.service !== undefined) params.set('service', query.service);
    if (query.fromUs !== undefined) params.set('from', String(query.fromUs));
    if (query.toUs !== undefined) params.set('to', String(query.toUs));
    if (query.status !== undefined) params.set('status', query.status);
    if (query.q !== undefined) params.set('q', query.q);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const search = params.size === 0 ? '' : `?${params}`;
    return (await this.get(`api/traces${search}`)) as CatalogPage;
  }

  async getTraceSummary(traceId: string): Promise<TraceSummary | undefined> {
    const page = (await this.get(`api/traces?${new URLSearchParams({ q: traceId, limit: '1000' })}`)) as CatalogPage;
    return page.traces.find((trace) => trace.traceId === traceId);
  }

  async getTraceRecords(traceId: string): Promise<NormalizedRecord[]> {
    const answer = (await this.get(`api/traces/${encodeURIComponent(traceId)}`, true)) as { records: NormalizedRecord[] } | undefined;
    return answer?.records ?? [];
  }

  /** GETs a JSON answer; with `missingOk` a 404 is undefined. Every failure is a SourceError that names the server and what to do. */
  private async get(path: string, missingOk = false): Promise<unknown> {
    const url = new URL(path, this.base);
    const where = `the aitrace server at ${this.base.origin}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: 'application/json', ...(this.token === undefined ? {} : { Authorization: `Bearer ${this.token}` }) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new SourceError(`cannot reach ${where} (${reason}); is \`aitrace serve\` running there? The tools answer again once it is.`);
    }
    if (response.status === 404 && missingOk) return undefined;
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      let message = body.slice(0, 300);
      try {
        message = String((JSON.parse(body) as { error?: unknown }).error ?? message);
      } catch {
        // Not JSON (a proxy's page): its start is shown as it is.
      }
      if (response.status === 401) {
        throw new SourceError(
          `${where} refused the request (401): ${this.token === undefined ? 'it requires a bearer token: pass --token T or set AITRACE_SERVER_TOKEN' : 'the token is wrong: pass its --token (or AITRACE_SERVER_TOKEN)'}`,
        );
      }
      throw new SourceError(`${where} answered ${response.status} to GET ${url.pathname}: ${message}`);
    }
    try {
      return await response.json();
    } catch (error) {
      throw new SourceError(
        `${where} answered GET ${url.pathname} with something that is not JSON (${(error as Error).message}); is that URL an aitrace server?`,
      );
    }
  }
}
