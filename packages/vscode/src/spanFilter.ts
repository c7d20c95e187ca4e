import type { SpanNode, SpanState } from '@aitrace/forest';

/** What the tree shows: spans whose name contains `name`, with every `key=value` attribute, in `status`. */
export interface SpanFilter {
  name?: string;
  where: { key: string; value: string }[];
  status?: SpanState;
  /** Show only failed spans (with their ancestors), on top of the rest of the filter. */
  onlyErrors: boolean;
}

/** A filter query that could not be read, with the offending part. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

const STATES: readonly SpanState[] = ['running', 'cut_off', 'ok', 'error'];

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

/** Whether the filter hides anything. */
export function isFiltering(filter: SpanFilter): boolean {
  return filter.onlyErrors || filter.name !== undefined || filter.where.length > 0 || filter.status !== undefined;
}

/** An attribute by its literal name (`http.route`), else by a dotted path into nested objects. */
function attributeValue(attrs: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(attrs, key)) return attrs[key];
  let current: unknown = attrs;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Whether one span matches every part of the filter. */
export function matchesFilter(node: SpanNode, filter: SpanFilter): boolean {
  if (filter.onlyErrors && node.state !== 'error') return false;
  if (filter.name !== undefined && !node.name.toLowerCase().includes(filter.name.toLowerCase())) return false;
  if (filter.status !== undefined && node.state !== filter.status) return false;
  for (const { key, value } of filter.where) {
    const found = attributeValue(node.attrs, key) ?? (key === 'service' ? node.service : undefined);
    if (found === undefined || (typeof found === 'string' ? found : JSON.stringify(found)) !== value) return false;
  }
  return true;
}

/** Keeps matching spans with their whole subtree, plus the ancestors that lead to them. */
export function pruneSpans(nodes: readonly SpanNode[], filter: SpanFilter): SpanNode[] {
  if (!isFiltering(filter)) return [...nodes];
  const kept: SpanNode[] = [];
  for (const node of nodes) {
    if (matchesFilter(node, filter)) kept.push(node);
    else {
      const children = pruneSpans(node.children, filter);
      if (children.length > 0) kept.push({ ...node, children });
    }
  }
  return kept;
}
