import type { SpanNode } from '@aitrace/forest';

/**
 * The spans on the critical path: the chain of work that decided when each root ended. From a span's end, walking
 * back in time, the child that finished last (before the point reached) is on the path, then the child that
 * finished last before that one started, and so on; the same is done inside each of them, up to the point where
 * it was still needed. `endOf` gives a span's end (running and cut-off spans have none of their own). Iterative,
 * so deep traces cannot overflow the stack.
 */
export function criticalPath(roots: readonly SpanNode[], endOf: (node: SpanNode) => number): Set<string> {
  const onPath = new Set<string>();
  const stack: Array<{ node: SpanNode; untilUs: number }> = roots.map((node) => ({ node, untilUs: endOf(node) }));
  while (stack.length > 0) {
    const { node, untilUs } = stack.pop()!;
    if (onPath.has(node.spanId)) continue;
    onPath.add(node.spanId);
    const children = [...node.children].sort((a, b) => endOf(b) - endOf(a));
    let cursor = untilUs;
    for (const child of children) {
      if (cursor <= node.startUs) break;
      // A child that starts after the point reached overlaps a later child already on the path.
      if (child.startUs >= cursor) continue;
      stack.push({ node: child, untilUs: Math.min(endOf(child), cursor) });
      cursor = child.startUs;
    }
  }
  return onPath;
}
