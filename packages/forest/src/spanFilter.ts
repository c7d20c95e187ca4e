import { conversationIdOf, modelsOf } from './genai/genAiView.js';
import { attrText } from './query/matchTrace.js';
import type { SpanNode, SpanState } from './types.js';

/** Which spans to keep: name contains `name` (any case), every `key=value` attribute, in `status`, or only errors. */
export interface SpanFilter {
  name?: string;
  where: { key: string; value: string }[];
  status?: SpanState;
  /** Spans that name this model (request or response). */
  model?: string;
  /** Spans of this `gen_ai.conversation.id`. */
  conversation?: string;
  /** Keep only failed spans (with their ancestors), on top of the rest of the filter. */
  onlyErrors?: boolean;
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

/** Whether the filter hides anything. */
export function isFiltering(filter: SpanFilter): boolean {
  return (
    filter.onlyErrors === true ||
    filter.name !== undefined ||
    filter.where.length > 0 ||
    filter.status !== undefined ||
    filter.model !== undefined ||
    filter.conversation !== undefined
  );
}

/** Whether one span matches every part of the filter; `service` and resource attributes (`service.version`...) match the span's resource. */
export function matchesSpan(node: SpanNode, filter: SpanFilter): boolean {
  if (filter.onlyErrors === true && node.state !== 'error') return false;
  if (filter.name !== undefined && !node.name.toLowerCase().includes(filter.name.toLowerCase())) return false;
  if (filter.status !== undefined && node.state !== filter.status) return false;
  if (filter.model !== undefined && !modelsOf(node.attrs).includes(filter.model)) return false;
  if (filter.conversation !== undefined && conversationIdOf(node.attrs) !== filter.conversation) return false;
  for (const { key, value } of filter.where) {
    const found = attributeValue(node.attrs, key) ?? (key === 'service' || key === 'service.name' ? node.service : node.resource?.[key]);
    if (found === undefined || attrText(found) !== value) return false;
  }
  return true;
}

/** Keeps matching spans with their whole subtree, plus the ancestors that lead to them. */
export function pruneSpans(nodes: readonly SpanNode[], filter: SpanFilter): SpanNode[] {
  if (!isFiltering(filter)) return [...nodes];
  const kept: SpanNode[] = [];
  for (const node of nodes) {
    if (matchesSpan(node, filter)) kept.push(node);
    else {
      const children = pruneSpans(node.children, filter);
      if (children.length > 0) kept.push({ ...node, children });
    }
  }
  return kept;
}
