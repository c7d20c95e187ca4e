import type { SpanNode, TraceTree } from '../types.js';
import { mayReportUsage, usageOf, type GenAiUsage } from './genAiView.js';

/** Token totals of a set of spans, and how many of them are model calls that reported usage. */
export interface TokenTotals extends GenAiUsage {
  /** Spans that reported any token count. */
  calls: number;
}

/** A span as the token roll-up needs it: its id, its parent's id and its own usage. */
export interface UsageSpan {
  spanId: string;
  parentSpanId: string | undefined;
  usage: GenAiUsage;
}

function merge(into: TokenTotals, from: TokenTotals): void {
  into.calls += from.calls;
  if (from.input !== undefined) into.input = (into.input ?? 0) + from.input;
  if (from.output !== undefined) into.output = (into.output ?? 0) + from.output;
  if (from.cached !== undefined) into.cached = (into.cached ?? 0) + from.cached;
  if (from.reasoning !== undefined) into.reasoning = (into.reasoning ?? 0) + from.reasoning;
}

/** Whether any token count is given. */
export function hasUsage(usage: GenAiUsage): boolean {
  return usage.input !== undefined || usage.output !== undefined || usage.cached !== undefined || usage.reasoning !== undefined;
}

function emptyTotals(): TokenTotals {
  return { calls: 0, input: undefined, output: undefined, cached: undefined, reasoning: undefined };
}

/**
 * The one roll-up rule, over any tree shape, in one pass without recursion: the totals of every node whose subtree
 * reports usage. A node whose descendants report usage (an agent span summing its model calls) is not counted again
 * on top of them; its own figures count only when nothing below it reports any. Nodes without tokens are not in the map.
 */
function rollUp<T>(roots: readonly T[], children: (node: T) => readonly T[], usage: (node: T) => GenAiUsage): Map<T, TokenTotals> {
  const totals = new Map<T, TokenTotals>();
  const order: T[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    for (const child of children(node)) stack.push(child);
  }
  // Every child comes after its parent in `order`, so walking it backwards sees children first.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    let below: TokenTotals | undefined;
    for (const child of children(node)) {
      const sub = totals.get(child);
      if (sub === undefined) continue;
      below ??= emptyTotals();
      merge(below, sub);
    }
    if (below !== undefined) {
      totals.set(node, below);
      continue;
    }
    const own = usage(node);
    if (hasUsage(own)) totals.set(node, { calls: 1, ...own });
  }
  return totals;
}

function sumOf<T>(roots: readonly T[], bySpan: ReadonlyMap<T, TokenTotals>): TokenTotals {
  const totals = emptyTotals();
  for (const root of roots) {
    const sub = bySpan.get(root);
    if (sub !== undefined) merge(totals, sub);
  }
  return totals;
}

const nodeChildren = (node: SpanNode): readonly SpanNode[] => node.children;
const NO_USAGE: GenAiUsage = Object.freeze({ input: undefined, output: undefined, cached: undefined, reasoning: undefined });
// Most spans of most traces are no model calls: they are passed over without building a usage object.
const nodeUsage = (node: SpanNode): GenAiUsage => (mayReportUsage(node.attrs) ? usageOf(node.attrs) : NO_USAGE);

/** The token totals of every span under `roots` whose subtree reports any (spans without tokens are not in the map). */
export function tokensBySpan(roots: readonly SpanNode[]): Map<SpanNode, TokenTotals> {
  return rollUp(roots, nodeChildren, nodeUsage);
}

/** Tokens of a span and its descendants, by the rule of `tokensBySpan`. */
export function subtreeTokens(span: SpanNode): TokenTotals {
  return tokensBySpan([span]).get(span) ?? emptyTotals();
}

/** Tokens of every span of a trace, by the same rule; `bySpan` reuses a `tokensBySpan` of its roots. */
export function traceTokens(trace: TraceTree, bySpan: ReadonlyMap<SpanNode, TokenTotals> = tokensBySpan(trace.roots)): TokenTotals {
  return sumOf(trace.roots, bySpan);
}

/**
 * Tokens of a trace given as a flat list of its spans (as a store keeps them), by the same rule. A span whose
 * parent is not in the list is a root, as in the span forest.
 */
export function spanListTokens(spans: readonly UsageSpan[]): TokenTotals {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, UsageSpan[]>();
  const roots: UsageSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent === undefined || parent === span.spanId || !ids.has(parent)) roots.push(span);
    else {
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [span]);
      else list.push(span);
    }
  }
  return sumOf(
    roots,
    rollUp(
      roots,
      (span) => children.get(span.spanId) ?? [],
      (span) => span.usage,
    ),
  );
}
