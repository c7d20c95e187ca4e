import type { NormalizedRecord } from '@aitrace/format';
import { conversationIdOf, modelsOf, traceTokens, walkSpans, type SpanNode, type TraceTree } from '@aitrace/forest';
import type { TraceListItem, TraceListPage } from './TraceListItem.js';
import type { TraceQuery } from './traceQuery.js';
import { attrFilterText } from './valueText.js';

/** The list entry of a trace built in the browser. */
export function traceListItem(trace: TraceTree): TraceListItem {
  const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
  const tokens = traceTokens(trace);
  const models = new Set<string>();
  const conversations = new Set<string>();
  walkSpans(trace.roots, (node) => {
    for (const model of modelsOf(node.attrs)) models.add(model);
    const conversation = conversationIdOf(node.attrs);
    if (conversation !== undefined) conversations.add(conversation);
  });
  return {
    traceId: trace.traceId,
    rootName: root?.name ?? null,
    service: root?.service ?? trace.services[0] ?? null,
    startUs: trace.startUs,
    durationMs: trace.endUs === undefined ? null : (trace.endUs - trace.startUs) / 1000,
    spanCount: trace.spanCount,
    errorCount: trace.errorCount,
    runningCount: trace.runningCount + trace.cutOffCount,
    inputTokens: tokens.input ?? null,
    outputTokens: tokens.output ?? null,
    models: [...models].sort(),
    conversations: [...conversations].sort(),
  };
}

function hasAttr(attrs: Record<string, unknown>, key: string, value: string): boolean {
  return Object.prototype.hasOwnProperty.call(attrs, key) && attrFilterText(attrs[key]) === value;
}

function recordMentions(record: NormalizedRecord, needle: string): boolean {
  return record.event.toLowerCase().includes(needle) || JSON.stringify(record.attrs).toLowerCase().includes(needle);
}

/**
 * Whether a trace matches the list filters the way the server's `GET /api/traces` does: service of any span or
 * log, exact span name, status, attributes of any span, event or log compared as text, and `q` as text
 * (ignoring case) in the trace id, span names, status messages, event names or attributes.
 */
export function traceMatches(trace: TraceTree, query: TraceQuery): boolean {
  const running = trace.runningCount + trace.cutOffCount > 0;
  if (query.status === 'error' && trace.errorCount === 0) return false;
  if (query.status === 'running' && !running) return false;
  if (query.status === 'ok' && (trace.errorCount > 0 || running)) return false;
  const needle = query.q?.toLowerCase();
  let service = query.service === undefined || trace.logs.some((log) => log.service === query.service);
  let name = query.name === undefined;
  let text = needle === undefined || trace.traceId.includes(needle) || trace.logs.some((log) => recordMentions(log, needle));
  const attrFilters = query.attrs ?? [];
  const attrsFound = attrFilters.map(({ key, value }) => trace.logs.some((log) => hasAttr(log.attrs, key, value)));
  const stack: SpanNode[] = [...trace.roots];
  while (stack.length > 0 && !(service && name && text && attrsFound.every(Boolean))) {
    const node = stack.pop()!;
    for (const child of node.children) stack.push(child);
    const records = [...node.events, ...node.logs];
    if (!service) service = node.service === query.service || records.some((record) => record.service === query.service);
    if (!name) name = node.name === query.name;
    if (!text && needle !== undefined) {
      text =
        node.name.toLowerCase().includes(needle) ||
        (node.statusMessage?.toLowerCase().includes(needle) ?? false) ||
        JSON.stringify(node.attrs).toLowerCase().includes(needle) ||
        records.some((record) => recordMentions(record, needle));
    }
    attrFilters.forEach(({ key, value }, i) => {
      if (!attrsFound[i]) attrsFound[i] = hasAttr(node.attrs, key, value) || records.some((record) => hasAttr(record.attrs, key, value));
    });
  }
  return service && name && text && attrsFound.every(Boolean);
}

/** One page of the traces matching the query, newest first; the cursor is the offset of the next page. */
export function localTracePage(traces: readonly TraceTree[], query: TraceQuery, cursor: string | null, pageSize: number): TraceListPage {
  const matching = traces.filter((trace) => traceMatches(trace, query)).sort((a, b) => b.startUs - a.startUs);
  const offset = cursor === null ? 0 : Math.max(0, Number.parseInt(cursor, 10) || 0);
  const end = offset + pageSize;
  return { traces: matching.slice(offset, end).map(traceListItem), nextCursor: end < matching.length ? String(end) : null };
}
