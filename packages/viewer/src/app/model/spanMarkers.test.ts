import { describe, expect, it } from 'vitest';
import { logRecord, T0_US } from '../../testing/traceRecords.js';
import type { NormalizedRecord } from '@aitrace/format';
import { markerKind, spanMarkers } from './spanMarkers.js';

const event = (name: string, atMs: number): NormalizedRecord => {
  const { level: _level, ...record } = logRecord(name, atMs, { span: 1 });
  return { ...record, type: 'span_event' };
};
const log = (name: string, atMs: number, level: 'info' | 'warn' | 'error' = 'info'): NormalizedRecord => ({ ...logRecord(name, atMs, { span: 1 }), level });
const window = { startUs: T0_US, endUs: T0_US + 100_000 };

describe('spanMarkers', () => {
  it('places each event and log at its time, in percent of the window, in time order', () => {
    const markers = spanMarkers({ events: [event('retry', 50)], logs: [log('cache.miss', 10), log('slow', 90, 'warn')] }, window);
    expect(markers.map((marker) => [marker.leftPct, marker.kind, marker.records.map((r) => r.key)])).toEqual([
      [10, 'log', ['logs:0']],
      [50, 'event', ['events:0']],
      [90, 'warn', ['logs:1']],
    ]);
  });

  it('merges records closer than half a percent into one marker of the most severe kind', () => {
    const markers = spanMarkers({ events: [{ ...event('exception', 40.2) }], logs: [log('a', 40), log('b', 40.3, 'error'), log('c', 41)] }, window);
    expect(markers.map((marker) => [marker.leftPct, marker.kind, marker.records.map((r) => r.record.event)])).toEqual([
      [40, 'error', ['a', 'exception', 'b']],
      [41, 'log', ['c']],
    ]);
  });

  it('clamps records outside the window to its edges, and has no markers for a span without records', () => {
    expect(spanMarkers({ events: [], logs: [log('late', 500), log('early', -5)] }, window).map((marker) => marker.leftPct)).toEqual([0, 100]);
    expect(spanMarkers({ events: [], logs: [] }, window)).toEqual([]);
  });

  it('names exceptions, errors and warnings apart from plain events and logs', () => {
    expect(
      [event('exception', 1), log('x', 1, 'error'), { ...log('x', 1), level: 'fatal' as const }, log('x', 1, 'warn'), log('x', 1), event('x', 1)].map(
        markerKind,
      ),
    ).toEqual(['exception', 'error', 'error', 'warn', 'log', 'event']);
  });
});
