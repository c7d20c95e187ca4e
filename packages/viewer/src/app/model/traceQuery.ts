/** A trace-list status filter: some span failed, some span has not ended, or neither. */
export type TraceStatusFilter = 'error' | 'running' | 'ok';

/** One attribute filter: the attribute `key` has this value, compared as text. */
export interface AttrFilter {
  key: string;
  value: string;
}

/** The trace list's filters; every one given must match (the server's `GET /api/traces` parameters). */
export interface TraceQuery {
  service?: string;
  name?: string;
  status?: TraceStatusFilter;
  attrs: AttrFilter[];
  q?: string;
}

const STATUSES: readonly string[] = ['error', 'running', 'ok'];

/** Whether a text is a status filter. */
export function isStatusFilter(text: string): text is TraceStatusFilter {
  return STATUSES.includes(text);
}

/** Whether the query filters anything. */
export function isEmptyQuery(query: TraceQuery): boolean {
  return query.service === undefined && query.name === undefined && query.status === undefined && query.attrs.length === 0 && query.q === undefined;
}

/** The query as URL parameters (`service`, `name`, `status`, `attr=key=value`..., `q`), for the API and permalinks. */
export function queryToParams(query: TraceQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q !== undefined) params.set('q', query.q);
  if (query.service !== undefined) params.set('service', query.service);
  if (query.name !== undefined) params.set('name', query.name);
  if (query.status !== undefined) params.set('status', query.status);
  for (const { key, value } of query.attrs) params.append('attr', `${key}=${value}`);
  return params;
}

/** Reads a query from URL parameters; unknown or malformed parameters are ignored. */
export function queryFromParams(params: URLSearchParams): TraceQuery {
  const query: TraceQuery = { attrs: [] };
  const text = (name: string): string | undefined => {
    const value = params.get(name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const q = text('q');
  if (q !== undefined) query.q = q;
  const service = text('service');
  if (service !== undefined) query.service = service;
  const name = text('name');
  if (name !== undefined) query.name = name;
  const status = text('status');
  if (status !== undefined && isStatusFilter(status)) query.status = status;
  for (const pair of params.getAll('attr')) {
    const equals = pair.indexOf('=');
    if (equals > 0) query.attrs.push({ key: pair.slice(0, equals), value: pair.slice(equals + 1) });
  }
  return query;
}
