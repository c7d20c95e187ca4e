import { SPAN_STATES } from '@aitrace/format';
import type { SpanFilter, SpanState } from '@aitrace/forest';

export { isFiltering, matchesSpan as matchesFilter, pruneSpans, type SpanFilter } from '@aitrace/forest';

/** A filter query that could not be read, with the offending part. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

const STATES: readonly SpanState[] = SPAN_STATES;

/** No filter: everything is shown. */
export const NO_FILTER: SpanFilter = { where: [], onlyErrors: false };

/**
 * Reads a filter query typed by the user: `status:error`, `key=value` terms (attributes, or `service`), and any
 * other words as a case-insensitive part of the span name. `http.route=/users status:ok GET` is all three.
 */
export function parseFilter(query: string, onlyErrors = false): SpanFilter {
  const filter: SpanFilter = { where: [], onlyErrors };
  const words: string[] = [];
  for (const term of query.trim().split(/\s+/)) {
    if (term === '') continue;
    if (term.startsWith('status:')) {
      const state = term.slice('status:'.length).replace('-', '_') as SpanState;
      if (!STATES.includes(state)) throw new FilterSyntaxError(`"${term}": status must be one of running, cut-off, ok, error`);
      filter.status = state;
    } else if (term.includes('=')) {
      const at = term.indexOf('=');
      if (at === 0) throw new FilterSyntaxError(`"${term}": an attribute filter needs a key before "=", like http.route=/users`);
      filter.where.push({ key: term.slice(0, at), value: term.slice(at + 1) });
    } else words.push(term);
  }
  if (words.length > 0) filter.name = words.join(' ');
  return filter;
}

/** The query text that `parseFilter` reads back into the same filter (without the errors-only switch). */
export function formatFilter(filter: SpanFilter): string {
  const parts: string[] = [];
  if (filter.name !== undefined) parts.push(filter.name);
  for (const { key, value } of filter.where) parts.push(`${key}=${value}`);
  if (filter.status !== undefined) parts.push(`status:${filter.status.replace('_', '-')}`);
  return parts.join(' ');
}

