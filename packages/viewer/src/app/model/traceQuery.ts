import { isTraceStatus, type AttrFilter, type TraceQuery } from '@aitrace/forest';

export { isTraceStatus as isStatusFilter, type AttrFilter, type TraceQuery, type TraceStatusFilter } from '@aitrace/forest';

/** Whether the query filters anything. */
export function isEmptyQuery(query: TraceQuery): boolean {
  return (
    query.service === undefined &&
    query.name === undefined &&
    query.status === undefined &&
    query.model === undefined &&
    query.conversation === undefined &&
    (query.attrs ?? []).length === 0 &&
    query.q === undefined
  );
}

/** The query as URL parameters (`service`, `name`, `status`, `model`, `conversation`, `attr=key=value`..., `q`), for the API and permalinks. */
export function queryToParams(query: TraceQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q !== undefined) params.set('q', query.q);
  if (query.service !== undefined) params.set('service', query.service);
  if (query.name !== undefined) params.set('name', query.name);
  if (query.status !== undefined) params.set('status', query.status);
  if (query.model !== undefined) params.set('model', query.model);
  if (query.conversation !== undefined) params.set('conversation', query.conversation);
  for (const { key, value } of query.attrs ?? []) params.append('attr', `${key}=${value}`);
  return params;
}

/** Reads a query from URL parameters; unknown or malformed parameters are ignored. */
export function queryFromParams(params: URLSearchParams): TraceQuery {
  const attrs: AttrFilter[] = [];
  const query: TraceQuery = { attrs };
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
  const model = text('model');
  if (model !== undefined) query.model = model;
  const conversation = text('conversation');
  if (conversation !== undefined) query.conversation = conversation;
  const status = text('status');
  if (status !== undefined && isTraceStatus(status)) query.status = status;
  for (const pair of params.getAll('attr')) {
    const equals = pair.indexOf('=');
    if (equals > 0) attrs.push({ key: pair.slice(0, equals), value: pair.slice(equals + 1) });
  }
  return query;
}
