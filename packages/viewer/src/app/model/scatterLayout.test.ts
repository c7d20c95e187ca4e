import { describe, expect, it } from 'vitest';
import { scatterLayout } from './scatterLayout.js';
import type { TraceListItem } from './TraceListItem.js';

const trace = (id: string, startUs: number, durationMs: number | null, errorCount = 0): TraceListItem => ({
  traceId: id,
  rootName: id,
  service: null,
  startUs,
  durationMs,
  spanCount: 1,
  errorCount,
  runningCount: durationMs === null ? 1 : 0,
});

describe('the duration scatter layout', () => {
  it('puts time on x and duration on y (longest highest), marks errors and leaves out running traces', () => {
    const layout = scatterLayout([trace('a', 1_000_000, 10), trace('b', 3_000_000, 100, 1), trace('c', 2_000_000, null)], 210, 110, 5);
    expect(layout.points.map((p) => [p.traceId, p.x, Math.round(p.y), p.error])).toEqual([
      ['a', 5, 95, false],
      ['b', 205, 10, true],
    ]);
    expect(layout.timeAt(105)).toBe(2_000_000);
    expect(layout.timeAt(-50)).toBe(1_000_000);
    expect(layout.timeAt(500)).toBe(3_000_000);
  });

  it('centres a single trace', () => {
    const layout = scatterLayout([trace('a', 1_000_000, 10)], 110, 110, 5);
    expect(layout.points[0]!.x).toBe(55);
    expect(scatterLayout([], 110, 110, 5).points).toEqual([]);
  });
});
