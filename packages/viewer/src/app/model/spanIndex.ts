import type { SpanNode, TraceTree } from '@aitrace/forest';

/** Lookups over one trace's spans, rebuilt whenever the trace changes. */
export interface SpanIndex {
  byId: Map<string, SpanNode>;
  /** Every span, depth first in display order. */
  order: SpanNode[];
  /** Failed spans below each span (not counting itself), for spans that have any. */
  errorsBelow: Map<string, number>;
  /** The latest time the trace mentions (span starts and ends, events, logs), µs. */
  latestUs: number;
}

/** Indexes a trace without recursion, so deep traces cannot overflow the stack. */
export function indexTrace(trace: TraceTree): SpanIndex {
  const byId = new Map<string, SpanNode>();
  const order: SpanNode[] = [];
  const errorsBelow = new Map<string, number>();
  let latestUs = trace.startUs;
  for (const log of trace.logs) latestUs = Math.max(latestUs, log.timeUs);
  const stack: SpanNode[] = [...trace.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    byId.set(node.spanId, node);
    order.push(node);
    latestUs = Math.max(latestUs, node.startUs, node.endUs ?? 0);
    for (const record of node.events) latestUs = Math.max(latestUs, record.timeUs);
    for (const record of node.logs) latestUs = Math.max(latestUs, record.timeUs);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  // Children come after their parent in depth-first order, so walking it backwards counts each subtree once.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.parentSpanId === undefined) continue;
    const parent = byId.get(node.parentSpanId);
    if (parent === undefined || parent === node) continue;
    const below = (errorsBelow.get(node.spanId) ?? 0) + (node.state === 'error' ? 1 : 0);
    if (below > 0) errorsBelow.set(parent.spanId, (errorsBelow.get(parent.spanId) ?? 0) + below);
  }
  return { byId, order, errorsBelow, latestUs };
}

/** The spans from the root down to the parent of `spanId` (empty for a root or an unknown span). */
export function ancestorsOf(index: SpanIndex, spanId: string): SpanNode[] {
  const chain: SpanNode[] = [];
  const seen = new Set<string>([spanId]);
  let parentId = index.byId.get(spanId)?.parentSpanId;
  while (parentId !== undefined && !seen.has(parentId)) {
    const parent = index.byId.get(parentId);
    if (parent === undefined) break;
    seen.add(parentId);
    chain.push(parent);
    parentId = parent.parentSpanId;
  }
  return chain.reverse();
}
