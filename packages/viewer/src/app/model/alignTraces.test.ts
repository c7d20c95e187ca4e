import { describe, expect, it } from 'vitest';
import { spans, traceOf } from '../../testing/traceRecords.js';
import { alignTraces } from './alignTraces.js';

const fast = traceOf(
  spans(
    { id: 1, name: 'GET /orders', startMs: 0, endMs: 100 },
    { id: 2, parent: 1, name: 'auth', startMs: 1, endMs: 11 },
    { id: 3, parent: 1, name: 'db.query', startMs: 12, endMs: 32 },
    { id: 4, parent: 1, name: 'db.query', startMs: 33, endMs: 43 },
    { id: 5, parent: 1, name: 'cache.get', startMs: 44, endMs: 46 },
  ),
);
const slow = traceOf(
  spans(
    { id: 1, name: 'GET /orders', startMs: 0, endMs: 400, trace: 'b'.repeat(32) },
    { id: 2, parent: 1, name: 'auth', startMs: 1, endMs: 12, trace: 'b'.repeat(32) },
    { id: 3, parent: 1, name: 'db.query', startMs: 13, endMs: 213, trace: 'b'.repeat(32) },
    { id: 4, parent: 1, name: 'db.query', startMs: 214, endMs: 224, trace: 'b'.repeat(32) },
    { id: 5, parent: 1, name: 'db.query', startMs: 225, endMs: 390, trace: 'b'.repeat(32) },
    { id: 6, parent: 5, name: 'retry', startMs: 226, endMs: 380, trace: 'b'.repeat(32) },
  ),
);

describe('alignTraces', () => {
  it('pairs spans by name and path, the n-th same-named sibling with the n-th, and marks added and missing ones', () => {
    const { rows, summary } = alignTraces(fast, slow);
    expect(rows.map((row) => [row.path, row.depth, row.change, row.deltaMs])).toEqual([
      ['GET /orders', 0, 'same', 300],
      ['GET /orders/auth', 1, 'same', 1],
      ['GET /orders/db.query', 1, 'same', 180],
      ['GET /orders/db.query#2', 1, 'same', 0],
      ['GET /orders/cache.get', 1, 'missing', undefined],
      ['GET /orders/db.query#3', 1, 'added', undefined],
      ['GET /orders/db.query#3/retry', 2, 'added', undefined],
    ]);
    expect(summary).toEqual({ same: 4, added: 2, missing: 1, deltaMs: 300 });
  });

  it('is symmetric: swapping the traces swaps added and missing and negates the differences', () => {
    const { rows, summary } = alignTraces(slow, fast);
    expect(rows.filter((row) => row.change === 'missing').map((row) => row.path)).toEqual(['GET /orders/db.query#3', 'GET /orders/db.query#3/retry']);
    expect(rows.filter((row) => row.change === 'added').map((row) => row.path)).toEqual(['GET /orders/cache.get']);
    expect(rows[0]?.deltaMs).toBe(-300);
    expect(summary).toEqual({ same: 4, added: 1, missing: 2, deltaMs: -300 });
  });

  it('aligns different roots as added and missing, and a trace with itself as all the same', () => {
    const other = traceOf(spans({ id: 1, name: 'POST /pay', startMs: 0, endMs: 5, trace: 'c'.repeat(32) }));
    expect(alignTraces(fast, other).summary).toEqual({ same: 0, added: 1, missing: 5, deltaMs: -95 });
    const self = alignTraces(fast, fast);
    expect(self.rows.every((row) => row.change === 'same' && row.deltaMs === 0)).toBe(true);
    expect(self.rows).toHaveLength(5);
  });

  it('leaves the difference out while a span has not ended', () => {
    const running = traceOf(spans({ id: 1, name: 'GET /orders', startMs: 0, trace: 'd'.repeat(32) }), false);
    const { rows, summary } = alignTraces(fast, running);
    expect(rows[0]).toMatchObject({ change: 'same', deltaMs: undefined });
    expect(summary.deltaMs).toBeUndefined();
  });
});
