import type { ServerResponse } from 'node:http';
import { HttpError } from '../http/HttpError.js';
import { parseLogQuery } from '../http/parseLogQuery.js';
import { parseTraceQuery } from '../http/parseTraceQuery.js';
import { sendJson } from '../http/respond.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * `GET /api/facets`: value counts for the dropdown filters, under the same filters as the list they belong to:
 * `scope=traces` (the default; the `/api/traces` parameters) counts traces per service, span name, status and model,
 * `scope=logs` (the `/api/logs` parameters) counts logs per service and level.
 */
export async function getFacets(url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  const params = new URLSearchParams(url.searchParams);
  const scope = params.get('scope') ?? 'traces';
  params.delete('scope');
  if (scope === 'traces') sendJson(response, 200, await context.store.traceFacets(parseTraceQuery(params)));
  else if (scope === 'logs') sendJson(response, 200, await context.store.logFacets(parseLogQuery(params)));
  else throw new HttpError(400, `scope must be traces or logs, got ${JSON.stringify(scope)}`);
}
