import type { SpanNode, TraceTree } from '../types.js';
import { mayReportUsage, usageOf, type GenAiUsage } from './genAiView.js';

/** Token totals of a set of spans, and how many of them are model calls that reported usage. */
export interface TokenTotals extends GenAiUsage {
  /** Spans that reported any token count. */
  calls: number;
}

function merge(into: TokenTotals, from: TokenTotals): void {
  into.calls += from.calls;
  if (from.input !== undefined) into.input = (into.input ?? 0) + from.input;
  if (from.output !== undefined) into.output = (into.output ?? 0) + from.output;
  if (from.cached !== undefined) into.cached = (into.cached ?? 0) + from.cached;
  if (from.reasoning !== undefined) into.reasoning = (into.reasoning ?? 0) + from.reasoning;
}

function hasUsage(usage: GenAiUsage): boolean {
  return usage.input !== undefined || usage.output !== undefined || usage.cached !== undefined || usage.reasoning !== undefined;
}

function emptyTotals(): TokenTotals {
  return { calls: 0, input: undefined, output: undefined, cached: undefined, reasoning: undefined };
}

/**
 * The token totals of every span (under `roots`) whose subtree reports any, in one pass without recursion. A span
 * whose descendants report usage (an agent span summing its model calls) is not counted again on top of them; its
 * own figures count only when nothing below it reports any. Spans without tokens are not in the map.
 */
export function tokensBySpan(roots: readonly SpanNode[]): Map<SpanNode, TokenTotals> {
  const totals = new Map<SpanNode, TokenTotals>();
  const order: SpanNode[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    for (const child of node.children) stack.push(child);
  }
  // Every child comes after its parent in `order`, so walking it backwards sees children first.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    let below: TokenTotals | undefined;
    for (const child of node.children) {
      const sub = totals.get(child);
      if (sub === undefined) continue;
      below ??= emptyTotals();
      merge(below, sub);
    }
    if (below !== undefined) {
      totals.set(node, below);
      continue;
    }
    // Most spans of most traces are no model calls: skip them without building a usage object.
    if (!mayReportUsage(node.attrs)) continue;
    const own = usageOf(node.attrs);
    if (hasUsage(own)) totals.set(node, { calls: 1, ...own });
  }
  return totals;
}

/** Tokens of a span and its descendants, by the rule of `tokensBySpan`. */
export function subtreeTokens(span: SpanNode): TokenTotals {
  return tokensBySpan([span]).get(span) ?? emptyTotals();
}

/** Tokens of every span of a trace, by the same rule; `bySpan` reuses a `tokensBySpan` of its roots. */
export function traceTokens(trace: TraceTree, bySpan: ReadonlyMap<SpanNode, TokenTotals> = tokensBySpan(trace.roots)): TokenTotals {
  const totals = emptyTotals();
  for (const root of trace.roots) {
    const sub = bySpan.get(root);
    if (sub !== undefined) merge(totals, sub);
  }
  return totals;
}
