import type { SpanNode } from '@aitrace/forest';

/** One row of the span tree as shown: the span, its depth, and whether it can be or is expanded. */
export interface VisibleRow {
  node: SpanNode;
  depth: number;
  expandable: boolean;
  expanded: boolean;
}

/** The rows of a span tree with the children of collapsed spans hidden, depth first, without recursion. */
export function visibleRows(roots: readonly SpanNode[], collapsed: ReadonlySet<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const stack: Array<{ node: SpanNode; depth: number }> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i]!, depth: 0 });
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const expandable = node.children.length > 0;
    const expanded = expandable && !collapsed.has(node.spanId);
    rows.push({ node, depth, expandable, expanded });
    if (!expanded) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1 });
  }
  return rows;
}
