import { describe, expect, it } from 'vitest';
import { logRecord, spanIdOf, spanRecords, TRACE_ID } from '../testing/traceRecords.js';
import { compactSpans } from './compactSpans.js';

describe('compactSpans', () => {
  it('keeps one record per span: the end with the start merged in, or the start of a running span', () => {
    const [aStart, aEnd] = spanRecords({ id: 1, name: 'a', startMs: 0, endMs: 10, attrs: { from: 'both' } });
    const [bStart] = spanRecords({ id: 2, parent: 1, name: 'b', startMs: 2 });
    const log = logRecord('hello', 3, { span: 2 });
    const other = spanRecords({ id: 1, trace: 'ffffffffffffffffffffffffffffffff', name: 'same span id, other trace', startMs: 4, endMs: 5 });
    const compacted = compactSpans([aStart!, bStart!, log, aEnd!, ...other]);
    expect(compacted.map((record) => `${record.type} ${record.name ?? record.event}`)).toEqual([
      'span_end a',
      'span_start b',
      'log hello',
      'span_end same span id, other trace',
    ]);
    expect(compacted[0]).toMatchObject({ traceId: TRACE_ID, spanId: spanIdOf(1), attrs: { from: 'both' } });
  });
});
