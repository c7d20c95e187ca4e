import type { NormalizedRecord } from '@aitrace/format';
import type { SpanNode } from '@aitrace/forest';
import type { TimeWindow } from './timeline.js';

/** What a marker stands for, most severe first wins when records share a marker. */
export type MarkerKind = 'error' | 'exception' | 'warn' | 'log' | 'event';

/** Where a span event or log is in the span's detail panel: `events:3` or `logs:0`. */
export type RecordKey = `${'events' | 'logs'}:${number}`;

/** One marker on a span's bar: the records at (about) one point in time. */
export interface SpanMarker {
  /** Position in percent of the waterfall's width. */
  leftPct: number;
  kind: MarkerKind;
  /** The records it stands for, in time order, with their place in the detail panel. */
  records: Array<{ key: RecordKey; record: NormalizedRecord }>;
}

/** Markers closer than this (percent of the width) are drawn as one. */
export const MARKER_MERGE_PCT = 0.5;

const SEVERITY: Readonly<Record<MarkerKind, number>> = { error: 4, exception: 3, warn: 2, log: 1, event: 0 };

/** The kind of marker a span event or log gets. */
export function markerKind(record: NormalizedRecord): MarkerKind {
  if (record.type === 'span_event' && record.event === 'exception') return 'exception';
  if (record.level === 'error' || record.level === 'fatal') return 'error';
  if (record.level === 'warn') return 'warn';
  return record.type === 'log' ? 'log' : 'event';
}

/**
 * The markers of a span's events and logs in a time window, left to right; records within MARKER_MERGE_PCT of
 * each other share one marker, which takes the most severe kind among them.
 */
export function spanMarkers(node: Pick<SpanNode, 'events' | 'logs'>, window: TimeWindow): SpanMarker[] {
  const span = window.endUs - window.startUs;
  const all: Array<{ key: RecordKey; record: NormalizedRecord; pct: number }> = [];
  const add = (list: readonly NormalizedRecord[], name: 'events' | 'logs'): void => {
    list.forEach((record, i) => {
      const pct = ((Math.min(Math.max(record.timeUs, window.startUs), window.endUs) - window.startUs) / span) * 100;
      all.push({ key: `${name}:${i}`, record, pct });
    });
  };
  add(node.events, 'events');
  add(node.logs, 'logs');
  all.sort((a, b) => a.pct - b.pct || a.record.timeUs - b.record.timeUs);
  const markers: SpanMarker[] = [];
  let startPct = -Infinity;
  for (const { key, record, pct } of all) {
    const kind = markerKind(record);
    const last = markers.at(-1);
    if (last !== undefined && pct - startPct < MARKER_MERGE_PCT) {
      last.records.push({ key, record });
      if (SEVERITY[kind] > SEVERITY[last.kind]) last.kind = kind;
      continue;
    }
    startPct = pct;
    markers.push({ leftPct: pct, kind, records: [{ key, record }] });
  }
  return markers;
}
