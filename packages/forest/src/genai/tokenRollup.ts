import type { SpanNode, TraceTree } from '../types.js';
import { usageOf, type GenAiUsage } from './genAiView.js';

/** Token totals of a set of spans, and how many of them are model calls that reported usage. */
export interface TokenTotals extends GenAiUsage {
  /** Spans that reported any token count. */
  calls: number;
}

function merge(into: TokenTotals, from: GenAiUsage, calls: number): void {
  into.calls += calls;
  for (const key of ['input', 'output', 'cached', 'reasoning'] as const) {
    const value = from[key];
    if (value !== undefined) into[key] = (into[key] ?? 0) + value;
  }
}

function hasUsage(usage: GenAiUsage): boolean {
  return usage.input !== undefined || usage.output !== undefined || usage.cached !== undefined || usage.reasoning !== undefined;
}

function emptyTotals(): TokenTotals {
  return { calls: 0, input: undefined, output: undefined, cached: undefined, reasoning: undefined };
}

/**
 * Tokens of a span and its descendants. A span whose descendants report usage (an agent span summing its model
 * calls) is not counted again on top of them; its own figures count only when nothing below it reports any.
 */
export function subtreeTokens(span: SpanNode): TokenTotals {
  const below = emptyTotals();
  for (const child of span.children) {
    const sub = subtreeTokens(child);
    merge(below, sub, sub.calls);
  }
  if (below.calls > 0) return below;
  const own = usageOf(span.attrs);
  const totals = emptyTotals();
  if (hasUsage(own)) merge(totals, own, 1);
  return totals;
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
