import { describe, expect, it } from 'vitest';
import { spanIdOf, spans, syntheticTrace, traceOf } from '../../testing/traceRecords.js';
import { visibleRows } from './visibleRows.js';

describe('visibleRows', () => {
  const trace = traceOf(
    spans(
      { id: 1, name: 'root', startMs: 0, endMs: 100 },
      { id: 2, parent: 1, name: 'a', startMs: 10, endMs: 50 },
      { id: 3, parent: 2, name: 'a.1', startMs: 20, endMs: 30 },
      { id: 4, parent: 1, name: 'b', startMs: 60, endMs: 90 },
      { id: 5, name: 'second root', startMs: 5, endMs: 6 },
    ),
  );

  it('lists every span depth first with its depth when nothing is collapsed', () => {
    expect(
      visibleRows(trace.roots, new Set()).map((row) => `${'  '.repeat(row.depth)}${row.node.name}${row.expandable ? (row.expanded ? ' -' : ' +') : ''}`),
    ).toEqual(['root -', '  a -', '    a.1', '  b', 'second root']);
  });

  it('hides the subtree of a collapsed span and marks it expandable but closed', () => {
    const rows = visibleRows(trace.roots, new Set([spanIdOf(2)]));
    expect(rows.map((row) => row.node.name)).toEqual(['root', 'a', 'b', 'second root']);
    expect(rows[1]).toMatchObject({ expandable: true, expanded: false, depth: 1 });
    expect(visibleRows(trace.roots, new Set([spanIdOf(1)])).map((row) => row.node.name)).toEqual(['root', 'second root']);
  });

  it('flattens 100,000 spans quickly', () => {
    const big = syntheticTrace(100_000, 100);
    const started = performance.now();
    const rows = visibleRows(big.roots, new Set());
    expect(rows).toHaveLength(100_000);
    expect(rows[1]).toMatchObject({ depth: 1, expandable: true, expanded: true });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
