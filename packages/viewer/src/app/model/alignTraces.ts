import type { SpanNode, TraceTree } from '@aitrace/forest';

/** How a span of one trace relates to the other: in both, only in the second (added), only in the first (missing). */
export type AlignedChange = 'same' | 'added' | 'missing';

/** One row of a comparison: a span path and the span at that path in each trace. */
export interface AlignedRow {
  /** The path of span names from the root, siblings of the same name told apart by their order: `checkout/db.query#2`. */
  path: string;
  name: string;
  depth: number;
  /** The span in the first trace (undefined: missing there, so added in the second). */
  a: SpanNode | undefined;
  /** The span in the second trace (undefined: missing there). */
  b: SpanNode | undefined;
  change: AlignedChange;
  /** Second minus first duration, ms, when both ended. */
  deltaMs: number | undefined;
}

/** What changed between two traces, in figures. */
export interface AlignmentSummary {
  same: number;
  added: number;
  missing: number;
  /** Second minus first trace duration, ms, when both ended. */
  deltaMs: number | undefined;
}

/** Two traces aligned span by span. */
export interface TraceAlignment {
  rows: AlignedRow[];
  summary: AlignmentSummary;
}

/** Children keyed by name and order among same-named siblings (start order), so repeated calls line up one by one. */
function keyed(children: readonly SpanNode[]): Map<string, SpanNode> {
  const byKey = new Map<string, SpanNode>();
  const seen = new Map<string, number>();
  for (const child of [...children].sort((x, y) => x.startUs - y.startUs)) {
    const n = seen.get(child.name) ?? 0;
    seen.set(child.name, n + 1);
    byKey.set(n === 0 ? child.name : `${child.name}#${n + 1}`, child);
  }
  return byKey;
}

function traceDurationMs(trace: TraceTree): number | undefined {
  return trace.ended && trace.endUs !== undefined ? (trace.endUs - trace.startUs) / 1000 : undefined;
}

/**
 * Aligns two traces by span name and path: spans at the same path (same names from the root down, the n-th
 * same-named sibling with the n-th) are paired; the rest are added (only in `b`) or missing (only in `a`).
 * Rows come depth first; siblings in the order of their start offset from their trace's start. Iterative.
 */
export function alignTraces(a: TraceTree, b: TraceTree): TraceAlignment {
  const rows: AlignedRow[] = [];
  const summary: AlignmentSummary = { same: 0, added: 0, missing: 0, deltaMs: undefined };
  type Pending = { path: string; name: string; depth: number; a: SpanNode | undefined; b: SpanNode | undefined };
  const level = (aKids: readonly SpanNode[], bKids: readonly SpanNode[], parentPath: string, depth: number): Pending[] => {
    const fromA = keyed(aKids);
    const fromB = keyed(bKids);
    const keys = new Set([...fromA.keys(), ...fromB.keys()]);
    const offset = (node: SpanNode | undefined, trace: TraceTree): number => (node === undefined ? Infinity : node.startUs - trace.startUs);
    return [...keys]
      .map((key) => {
        const x = fromA.get(key);
        const y = fromB.get(key);
        return { path: parentPath === '' ? key : `${parentPath}/${key}`, name: (x ?? y)!.name, depth, a: x, b: y };
      })
      .sort((p, q) => Math.min(offset(p.a, a), offset(p.b, b)) - Math.min(offset(q.a, a), offset(q.b, b)));
  };
  const stack = level(a.roots, b.roots, '', 0).reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    const change: AlignedChange = item.a === undefined ? 'added' : item.b === undefined ? 'missing' : 'same';
    summary[change]++;
    const deltaMs = item.a?.durationMs !== undefined && item.b?.durationMs !== undefined ? item.b.durationMs - item.a.durationMs : undefined;
    rows.push({ ...item, change, deltaMs });
    const children = level(item.a?.children ?? [], item.b?.children ?? [], item.path, item.depth + 1);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  const da = traceDurationMs(a);
  const db = traceDurationMs(b);
  summary.deltaMs = da !== undefined && db !== undefined ? db - da : undefined;
  return { rows, summary };
}
