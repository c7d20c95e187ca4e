import type { NormalizedRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { entryMatches, StreamBuffer, StreamEntryMaker, type StreamEntry } from './streamEntries.js';

const base = { formatVersion: 2, timestamp: '', provisional: false, meta: {}, attrs: {} };
const start = (span: string, timeUs: number, extra: Partial<NormalizedRecord> = {}): NormalizedRecord => ({
  ...base,
  event: 'a.start',
  type: 'span_start',
  traceId: 't1',
  spanId: span,
  name: 'a',
  timeUs,
  provisional: true,
  ...extra,
});
const end = (span: string, timeUs: number, extra: Partial<NormalizedRecord> = {}): NormalizedRecord => ({
  ...base,
  event: 'a.end',
  type: 'span_end',
  traceId: 't1',
  spanId: span,
  name: 'a',
  timeUs,
  startTimeUs: timeUs - 10,
  status: 'ok',
  ...extra,
});
const log = (event: string, timeUs: number, extra: Partial<NormalizedRecord> = {}): NormalizedRecord => ({
  ...base,
  event,
  type: 'log',
  timeUs,
  level: 'info',
  ...extra,
});

describe('the live stream lines', () => {
  it('shows a span start and end, and a start for an end that arrived with its start merged in, in time order', () => {
    const maker = new StreamEntryMaker();
    expect(maker.entries([start('s1', 5)]).map((e) => [e.kind, e.timeUs])).toEqual([['start', 5]]);
    expect(maker.entries([end('s1', 30), end('s2', 20), log('listening', 12)]).map((e) => [e.kind, e.timeUs, e.seq])).toEqual([
      ['start', 10, 1],
      ['log', 12, 2],
      ['end', 20, 3],
      ['end', 30, 4],
    ]);
  });

  it('matches the trace-list filters per record, by the reference matcher', () => {
    const maker = new StreamEntryMaker();
    const [failed] = maker.entries([end('s1', 30, { status: 'error', service: 'api', attrs: { 'http.route': '/pay', n: 3 } })]).filter((e) => e.kind === 'end');
    const [warn] = maker.entries([log('disk almost full', 1, { level: 'error', service: 'api' })]);
    expect(entryMatches(failed!, { attrs: [], status: 'error', service: 'api' })).toBe(true);
    expect(entryMatches(failed!, { attrs: [{ key: 'n', value: '3' }], q: '/PAY' })).toBe(true);
    expect(entryMatches(failed!, { attrs: [], status: 'ok' })).toBe(false);
    expect(entryMatches(warn!, { attrs: [], q: 'DISK', service: 'api' })).toBe(true);
    // As in the trace list, status speaks of spans: a log at error level is not a failed span.
    expect(entryMatches(warn!, { attrs: [], status: 'error' })).toBe(false);
    expect(entryMatches(failed!, { model: 'gpt-x' })).toBe(false);
    expect(entryMatches(warn!, { attrs: [], name: 'a' })).toBe(false);
  });

  it('keeps at most its cap of lines, the newest, and a capped backlog while paused that counts every arrival', () => {
    const maker = new StreamEntryMaker();
    const buffer = new StreamBuffer(1000);
    buffer.setFilter((entry) => entry.record.event.endsWith('0'));
    const batch = (from: number, n: number): StreamEntry[] => maker.entries(Array.from({ length: n }, (_, i) => log(`log ${from + i}`, from + i)));
    for (let i = 0; i < 10; i++) buffer.push(batch(i * 500, 500));
    expect(buffer.size).toBe(1000);
    expect(buffer.dropped).toBe(4000);
    expect(buffer.visible).toHaveLength(100);
    expect(buffer.visible[0]!.record.event).toBe('log 4000');
    buffer.pause();
    for (let i = 10; i < 15; i++) buffer.push(batch(i * 500, 500));
    expect(buffer.backlogCount).toBe(2500);
    expect(buffer.size).toBe(2000);
    expect(buffer.visible.at(-1)!.record.event).toBe('log 4990');
    buffer.resume();
    expect(buffer.backlogCount).toBe(0);
    expect(buffer.size).toBe(1000);
    expect(buffer.visible.map((e) => e.record.event).slice(0, 2)).toEqual(['log 6500', 'log 6510']);
    expect(buffer.visible.at(-1)!.record.event).toBe('log 7490');
  });
});
