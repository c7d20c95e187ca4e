import { describe, expect, it } from 'vitest';
import { spanIdOf, spans, traceOf, T0_US } from '../../testing/traceRecords.js';
import { criticalPath } from './criticalPath.js';

const names = (trace: ReturnType<typeof traceOf>, ids: Set<string>): string[] => {
  const out: string[] = [];
  const stack = [...trace.roots];
  while (stack.length > 0) {
    const node = stack.shift()!;
    if (ids.has(node.spanId)) out.push(node.name);
    stack.unshift(...node.children);
  }
  return out;
};
const endOf = (node: { endUs: number | undefined; startUs: number }): number => node.endUs ?? node.startUs;

describe('criticalPath', () => {
  it('follows the last child to finish, then what finished before it started', () => {
    // root 0-100: a 0-40 and b 10-30 run before c 45-95; inside c, c.2 60-90 ends last, c.1 50-70 overlaps it.
    const trace = traceOf(
      spans(
        { id: 1, name: 'root', startMs: 0, endMs: 100 },
        { id: 2, parent: 1, name: 'a', startMs: 0, endMs: 40 },
        { id: 3, parent: 1, name: 'b', startMs: 10, endMs: 30 },
        { id: 4, parent: 1, name: 'c', startMs: 45, endMs: 95 },
        { id: 5, parent: 4, name: 'c.1', startMs: 50, endMs: 70 },
        { id: 6, parent: 4, name: 'c.2', startMs: 60, endMs: 90 },
      ),
    );
    expect(names(trace, criticalPath(trace.roots, endOf))).toEqual(['root', 'a', 'c', 'c.1', 'c.2']);
  });

  it('leaves out children that run entirely in the shadow of a longer sibling', () => {
    const trace = traceOf(
      spans(
        { id: 1, name: 'root', startMs: 0, endMs: 100 },
        { id: 2, parent: 1, name: 'long', startMs: 5, endMs: 95 },
        { id: 3, parent: 1, name: 'short', startMs: 20, endMs: 30 },
      ),
    );
    expect(names(trace, criticalPath(trace.roots, endOf))).toEqual(['root', 'long']);
  });

  it('keeps a child that ends after its parent only up to the parent end, and skips spans starting after the end', () => {
    const trace = traceOf(
      spans(
        { id: 1, name: 'root', startMs: 0, endMs: 50 },
        { id: 2, parent: 1, name: 'fire-and-forget', startMs: 10, endMs: 200 },
        { id: 3, parent: 1, name: 'early', startMs: 0, endMs: 8 },
        { id: 4, parent: 1, name: 'after', startMs: 60, endMs: 70 },
      ),
    );
    expect(names(trace, criticalPath(trace.roots, endOf))).toEqual(['root', 'early', 'fire-and-forget']);
  });

  it('handles running spans through endOf, and a deep chain without recursion', () => {
    const depth = 5_000;
    const chain = spans(...Array.from({ length: depth }, (_, i) => ({ id: i + 1, ...(i > 0 ? { parent: i } : {}), name: `s${i}`, startMs: i / 1000 })));
    const trace = traceOf(chain);
    const path = criticalPath(trace.roots, () => T0_US + 1_000_000);
    expect(path.size).toBe(depth);
    expect(path.has(spanIdOf(depth))).toBe(true);
  });
});
