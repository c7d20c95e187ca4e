import type { SpanNode, SpanState } from '@aitrace/forest';
import { UsageError } from './UsageError.js';

/** What `tree` and `tail` keep. */
export interface SpanFilter {
  name?: string;
  where: { key: string; value: string }[];
  status?: SpanState;
}

const STATES: readonly SpanState[] = ['running', 'cut_off', 'ok', 'error'];

/** Reads `--where key=value` and `--status` values, with clear errors. */
export function parseFilter(name: string | undefined, where: string[] | undefined, status: string | undefined): SpanFilter {
  const filter: SpanFilter = { where: [] };
  if (name !== undefined) filter.name = name;
  for (const item of where ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--where expects key=value, got ${JSON.stringify(item)}`);
    filter.where.push({ key: item.slice(0, at), value: item.slice(at + 1) });
  }
  if (status !== undefined) {
    const normalized = status.replace('-', '_') as SpanState;
    if (!STATES.includes(normalized)) throw new UsageError(`--status must be one of ${STATES.join(', ')}, got ${JSON.stringify(status)}`);
    filter.status = normalized;
  }
  return filter;
}

/** An attribute by its literal name (`http.route`), else by a dotted path into nested objects. */
export function attributeValue(attrs: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(attrs, key)) return attrs[key];
  let current: unknown = attrs;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether a filter asks for anything. */
export function isActive(filter: SpanFilter): boolean {
  return filter.name !== undefined || filter.where.length > 0 || filter.status !== undefined;
}

/** Whether one span matches every part of the filter. */
export function matches(node: SpanNode, filter: SpanFilter): boolean {
  if (filter.name !== undefined && !node.name.includes(filter.name)) return false;
  if (filter.status !== undefined && node.state !== filter.status) return false;
  for (const { key, value } of filter.where) {
    const found = attributeValue(node.attrs, key) ?? (key === 'service' ? node.service : undefined);
    if (found === undefined || asText(found) !== value) return false;
  }
  return true;
}

/** Keeps matching spans with their whole subtree, plus the ancestors that lead to them. */
export function prune(nodes: readonly SpanNode[], filter: SpanFilter): SpanNode[] {
  const kept: SpanNode[] = [];
  for (const node of nodes) {
    if (matches(node, filter)) kept.push(node);
    else {
      const children = prune(node.children, filter);
      if (children.length > 0) kept.push({ ...node, children });
    }
  }
  return kept;
}
