import type { NormalizedRecord } from '@aitrace/format';
import { storedTrace, traceMatches, type StoredTrace } from '@aitrace/forest';
import type { TraceQuery } from './traceQuery.js';

/** What a line of the live stream says happened: a span started or ended, a span event, or a log. */
export type StreamKind = 'start' | 'end' | 'event' | 'log';

/** One line of the live stream. */
export interface StreamEntry {
  /** Arrival number, increasing. */
  seq: number;
  kind: StreamKind;
  /** When it happened, µs (a span's start time for `start`). */
  timeUs: number;
  record: NormalizedRecord;
}

// Spans whose start was shown, so an end stored together with its start still shows both; forgotten past this many.
const MAX_REMEMBERED_STARTS = 100_000;

/** Turns stored records, as the live stream receives them, into stream lines in time order. */
export class StreamEntryMaker {
  private seq = 0;
  private started = new Set<string>();

  /** The lines of one batch of records, by time (an end whose start was never seen brings its start line too). */
  entries(records: readonly NormalizedRecord[]): StreamEntry[] {
    const made: Array<Omit<StreamEntry, 'seq'>> = [];
    for (const record of records) {
      const key = `${record.traceId ?? ''}/${record.spanId ?? ''}`;
      if (record.type === 'span_start') {
        this.remember(key);
        made.push({ kind: 'start', timeUs: record.timeUs, record });
      } else if (record.type === 'span_end') {
        if (!this.started.delete(key)) made.push({ kind: 'start', timeUs: record.startTimeUs ?? record.timeUs, record });
        made.push({ kind: 'end', timeUs: record.timeUs, record });
      } else made.push({ kind: record.type === 'log' ? 'log' : 'event', timeUs: record.timeUs, record });
    }
    made.sort((a, b) => a.timeUs - b.timeUs);
    return made.map((entry) => ({ ...entry, seq: this.seq++ }));
  }

  private remember(key: string): void {
    if (this.started.size >= MAX_REMEMBERED_STARTS) this.started = new Set();
    this.started.add(key);
  }
}

/**
 * Whether a stream line matches a trace query by the trace list's own rules (forest's reference `traceMatches`),
 * applied to the line's record as a trace of its own: service, span name, attributes, model, conversation and `q`
 * as for a trace; status `error` a failed span, `running` a span start, `ok` an ended span without error.
 */
export function entryMatches(entry: StreamEntry, query: TraceQuery): boolean {
  let stored = storedLines.get(entry);
  if (stored === undefined) {
    const { record } = entry;
    const traceId = record.traceId ?? '';
    // A start line shows the span as running, even when its end arrived with it.
    const shown: NormalizedRecord = entry.kind === 'start' && record.type === 'span_end' ? { ...record, type: 'span_start', traceId } : { ...record, traceId };
    stored = storedTrace(traceId, [[shown]]);
    storedLines.set(entry, stored);
  }
  return traceMatches(stored, query);
}

// A line's record as a trace of its own is the same for every query: built once, when the line is first matched,
// so a new filter over the kept lines only matches.
const storedLines = new WeakMap<StreamEntry, StoredTrace>();

/**
 * The lines the stream view holds: at most `cap` (the oldest go first), those matching the filter, and while
 * paused a backlog (capped too) with the count of everything that arrived meanwhile.
 */
export class StreamBuffer {
  private entries: StreamEntry[] = [];
  private shown: StreamEntry[] = [];
  private backlog: StreamEntry[] = [];
  private arrivedWhilePaused = 0;
  private filter: (entry: StreamEntry) => boolean = () => true;
  /** Lines dropped by the cap since the start. */
  dropped = 0;
  paused = false;

  constructor(readonly cap: number) {}

  /** Lines kept (matching or not). */
  get size(): number {
    return this.entries.length + this.backlog.length;
  }

  /** Lines kept outside the backlog (the ones the filter chooses from). */
  get held(): number {
    return this.entries.length;
  }

  /** Lines that arrived while paused (the backlog count shown), including any the cap dropped. */
  get backlogCount(): number {
    return this.arrivedWhilePaused;
  }

  /** The kept lines that match the filter, oldest first. */
  get visible(): readonly StreamEntry[] {
    return this.shown;
  }

  /** Adds lines; while paused they wait in the backlog. */
  push(entries: readonly StreamEntry[]): void {
    if (this.paused) {
      this.arrivedWhilePaused += entries.length;
      this.backlog.push(...entries);
      if (this.backlog.length > this.cap) {
        this.dropped += this.backlog.length - this.cap;
        this.backlog.splice(0, this.backlog.length - this.cap);
      }
      return;
    }
    this.append(entries);
  }

  /** Holds new lines back until `resume`. */
  pause(): void {
    this.paused = true;
  }

  /** Shows the backlog and goes live again. */
  resume(): void {
    this.paused = false;
    const backlog = this.backlog;
    this.backlog = [];
    this.arrivedWhilePaused = 0;
    this.append(backlog);
  }

  /** Shows only the kept lines for which `filter` holds (new ones too). */
  setFilter(filter: (entry: StreamEntry) => boolean): void {
    this.filter = filter;
    this.shown = this.entries.filter(filter);
  }

  /** Drops every line. */
  clear(): void {
    this.entries = [];
    this.shown = [];
    this.backlog = [];
    this.arrivedWhilePaused = 0;
  }

  private append(entries: readonly StreamEntry[]): void {
    for (const entry of entries) {
      this.entries.push(entry);
      if (this.filter(entry)) this.shown.push(entry);
    }
    const excess = this.entries.length - this.cap;
    if (excess <= 0) return;
    this.dropped += excess;
    this.entries.splice(0, excess);
    const oldest = this.entries[0]!.seq;
    let cut = 0;
    while (cut < this.shown.length && this.shown[cut]!.seq < oldest) cut++;
    if (cut > 0) this.shown.splice(0, cut);
  }
}
