import type { SpanNode, TraceTree } from '../types.js';
import { usageOf, type GenAiUsage } from './genAiView.js';

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

function merge(into: TokenTotals, from: GenAiUsage, calls: number): void {
  into.calls += calls;
  for (const key of ['input', 'output', 'cached', 'reasoning'] as const) {
    const value = from[key];
    if (value !== undefined) into[key] = (into[key] ?? 0) + value;
  }
}

/** Whether any token count is given. */
export function hasUsage(usage: GenAiUsage): boolean {
  return usage.input !== undefined || usage.output !== undefined || usage.cached !== undefined || usage.reasoning !== undefined;
}

function emptyTotals(): TokenTotals {
  return { calls: 0, input: undefined, output: undefined, cached: undefined, reasoning: undefined };
}

// The one roll-up rule, over any tree shape: a span whose descendants report usage (an agent span summing its
// model calls) is not counted again on top of them; its own figures count only when nothing below it reports any.
function rollUp<T>(node: T, children: (node: T) => readonly T[], usage: (node: T) => GenAiUsage): TokenTotals {
  const below = emptyTotals();
  for (const child of children(node)) {
    const sub = rollUp(child, children, usage);
    merge(below, sub, sub.calls);
  }
  if (below.calls > 0) return below;
  const own = usage(node);
  const totals = emptyTotals();
  if (hasUsage(own)) merge(totals, own, 1);
  return totals;
}

const nodeChildren = (node: SpanNode): readonly SpanNode[] => node.children;
const nodeUsage = (node: SpanNode): GenAiUsage => usageOf(node.attrs);

/** Tokens of a span and its descendants (descendants' usage replaces an ancestor's own). */
export function subtreeTokens(span: SpanNode): TokenTotals {
  return rollUp(span, nodeChildren, nodeUsage);
}

/** Tokens of every span of a trace, by the same rule. */
export function traceTokens(trace: TraceTree): TokenTotals {
  const totals = emptyTotals();
  for (const root of trace.roots) {
    const sub = subtreeTokens(root);
    merge(totals, sub, sub.calls);
  }
  return totals;
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
  const totals = emptyTotals();
  for (const root of roots) {
    const sub = rollUp(root, (span) => children.get(span.spanId) ?? [], (span) => span.usage);
    merge(totals, sub, sub.calls);
  }
  return totals;
}
