import { SPAN_STATES } from '@aitrace/format';
import { FilterSyntaxError, parseFilterText, quoteFilterValue, type SpanFilter, type SpanState } from '@aitrace/forest';

export { FilterSyntaxError, isFiltering, matchesSpan as matchesFilter, pruneSpans, type SpanFilter } from '@aitrace/forest';

const STATES: readonly SpanState[] = SPAN_STATES;

/** No filter: everything is shown. */
export const NO_FILTER: SpanFilter = { where: [], onlyErrors: false };

// Resource fields of the filter text, matched as the span's resource attributes.
const RESOURCE_KEYS = { service: 'service', version: 'service.version', env: 'deployment.environment.name' } as const;

/**
 * Reads a filter typed by the user in the filter text syntax (forest's `parseFilterText`, as in the web viewer's
 * search box): free words as a case-insensitive part of the span name, `key=value` attributes (`service=` is the
 * span's service), `status:running|cut-off|ok|error`, `name:`, `service:`, `version:`, `env:`, `model:` and
 * `conversation:`. `http.route=/users status:ok "GET /users"` is all three kinds.
 */
export function parseFilter(query: string, onlyErrors = false): SpanFilter {
  const filter: SpanFilter = { where: [], onlyErrors };
  const words: string[] = [];
  for (const term of parseFilterText(query)) {
    const fail = (message: string): never => {
      throw new FilterSyntaxError(`column ${term.column}: ${JSON.stringify(term.source)}: ${message}`, term.column);
    };
    if (term.kind === 'text') words.push(term.value);
    else if (term.kind === 'attr') filter.where.push({ key: term.key, value: term.value });
    else if (term.field === 'status') {
      const state = term.value.replace('-', '_') as SpanState;
      if (!STATES.includes(state)) fail('status must be one of running, cut-off, ok, error');
      if (filter.status !== undefined) fail('status: is already given');
      filter.status = state;
    } else if (term.field === 'name') {
      if (filter.name !== undefined) fail('name: is already given');
      filter.name = term.value;
    } else if (term.field === 'model' || term.field === 'conversation') {
      if (filter[term.field] !== undefined) fail(`${term.field}: is already given`);
      filter[term.field] = term.value;
    } else filter.where.push({ key: RESOURCE_KEYS[term.field], value: term.value });
  }
  if (words.length > 0) {
    if (filter.name !== undefined) throw new FilterSyntaxError('free words and name: both filter the span name; use one of them', 1);
    filter.name = words.join(' ');
  }
  return filter;
}

/** The query text that `parseFilter` reads back into the same filter (without the errors-only switch). */
export function formatFilter(filter: SpanFilter): string {
  const parts: string[] = [];
  if (filter.name !== undefined) parts.push(quoteFilterValue(filter.name));
  for (const { key, value } of filter.where) parts.push(`${quoteFilterValue(key)}=${quoteFilterValue(value)}`);
  if (filter.status !== undefined) parts.push(`status:${filter.status.replace('_', '-')}`);
  if (filter.model !== undefined) parts.push(`model:${quoteFilterValue(filter.model)}`);
  if (filter.conversation !== undefined) parts.push(`conversation:${quoteFilterValue(filter.conversation)}`);
  return parts.join(' ');
}
