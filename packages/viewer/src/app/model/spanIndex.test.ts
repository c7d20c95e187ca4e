import { describe, expect, it } from 'vitest';
import { logRecord, spanIdOf, spans, syntheticTrace, traceOf } from '../../testing/traceRecords.js';
import { ancestorsOf, indexTrace } from './spanIndex.js';

describe('indexTrace', () => {
  const trace = traceOf([
    ...spans(
      { id: 1, name: 'root', startMs: 0, endMs: 100 },
      { id: 2, parent: 1, name: 'a', startMs: 10, endMs: 50 },
      { id: 3, parent: 2, name: 'a.fail', startMs: 20, endMs: 30, status: 'error' },
      { id: 4, parent: 2, name: 'a.fail2', startMs: 31, endMs: 40, status: 'error' },
      { id: 5, parent: 1, name: 'b', startMs: 60, endMs: 90 },
    ),
    logRecord('late', 130, { span: 5 }),
  ]);

  it('lists spans depth first and finds them by id', () => {
    const index = indexTrace(trace);
    expect(index.order.map((node) => node.name)).toEqual(['root', 'a', 'a.fail', 'a.fail2', 'b']);
    expect(index.byId.get(spanIdOf(4))?.name).toBe('a.fail2');
  });

  it('counts failed spans below each span, and the latest time the trace mentions', () => {
    const index = indexTrace(trace);
    expect(index.errorsBelow.get(spanIdOf(1))).toBe(2);
    expect(index.errorsBelow.get(spanIdOf(2))).toBe(2);
    expect(index.errorsBelow.has(spanIdOf(3))).toBe(false);
    expect(index.errorsBelow.has(spanIdOf(5))).toBe(false);
    expect(index.latestUs - trace.startUs).toBe(130_000);
  });

  it('gives the ancestors of a span from the root down', () => {
    const index = indexTrace(trace);
    expect(ancestorsOf(index, spanIdOf(3)).map((node) => node.name)).toEqual(['root', 'a']);
    expect(ancestorsOf(index, spanIdOf(1))).toEqual([]);
    expect(ancestorsOf(index, 'ffffffffffffffff')).toEqual([]);
  });

  it('indexes a chain 20,000 spans deep without recursion', () => {
    const deep = syntheticTrace(20_000, 1);
    const index = indexTrace(deep);
    expect(index.order).toHaveLength(20_000);
    expect(ancestorsOf(index, spanIdOf(20_000))).toHaveLength(19_999);
  });
});
