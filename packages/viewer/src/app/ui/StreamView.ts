import type { NormalizedRecord } from '@aitrace/format';
import { HttpStatusError } from '../data/HttpStatusError.js';
import { formatDuration, formatLocalDateTime, formatLocalTime } from '../model/formatTime.js';
import { routeHash } from '../model/route.js';
import { entryMatches, StreamBuffer, StreamEntryMaker, type StreamEntry, type StreamKind } from '../model/streamEntries.js';
import { rangeBounds, withinBounds, type TimeRange } from '../model/timeRange.js';
import type { TraceQuery } from '../model/traceQuery.js';
import { h } from './dom.js';
import { TraceFilterForm } from './TraceFilterForm.js';
import type { View, ViewContext } from './ViewContext.js';
import { VirtualRows } from './VirtualRows.js';

/** Lines the stream keeps at most; older ones are dropped as new ones arrive. */
export const STREAM_CAP = 50_000;
const ROW_HEIGHT = 24;
// A preset window ("last 5 min") moves with the clock: lines that fell out of it are dropped this often.
const WINDOW_REFRESH_MS = 5000;

const KIND_TEXT: Readonly<Record<StreamKind, string>> = { start: '▶ start', end: '■ end', event: '◆ event', log: 'log' };

/**
 * The live stream: one time-ordered stream of spans starting and ending, span events and logs, across every
 * trace, as they are stored; filtered with the trace list's query, pausable (new lines wait in a backlog whose
 * size is shown), holding at most STREAM_CAP lines.
 */
export class StreamView implements View {
  readonly element: HTMLElement;
  private readonly form: TraceFilterForm;
  private readonly buffer = new StreamBuffer(STREAM_CAP);
  private readonly maker = new StreamEntryMaker();
  private readonly rows: VirtualRows<StreamEntry>;
  private readonly viewport = h('div', { className: 'stream-viewport', attrs: { tabindex: '0', role: 'list', 'aria-label': 'Live stream' } });
  private readonly pause = h('button', { className: 'stream-pause', attrs: { type: 'button', 'aria-pressed': 'false' }, text: '⏸ Pause' });
  private readonly backlog = h('span', { className: 'stream-backlog', attrs: { role: 'status' } });
  private readonly message = h('p', { className: 'list-message stream-message', attrs: { role: 'status' } });
  private frame = 0;
  private follow = true;
  private readonly windowTimer: ReturnType<typeof setInterval>;
  private readonly stopWatching: () => void;

  constructor(
    private readonly context: ViewContext,
    private query: TraceQuery,
    private range: TimeRange,
  ) {
    this.form = new TraceFilterForm(query, range, true, (result) => {
      if ('error' in result) {
        this.message.textContent = result.error;
        this.message.classList.add('error');
        return;
      }
      const hash = routeHash({ view: 'stream', query: result.query, range: result.range });
      if (location.hash === hash) this.applyFilter();
      else location.hash = hash;
    });
    this.rows = new VirtualRows(this.viewport, ROW_HEIGHT, {
      create: () => h('div', { className: 'stream-row', attrs: { role: 'listitem' } }),
      update: (row, entry) => this.fill(row, entry),
    });
    const clear = h('button', { className: 'stream-clear', attrs: { type: 'button' }, text: 'Clear lines', title: 'Forget the lines kept so far' });
    clear.addEventListener('click', () => {
      this.buffer.clear();
      this.render();
    });
    this.pause.addEventListener('click', () => this.togglePause());
    this.element = h(
      'section',
      { className: 'list-view stream-view' },
      this.form.element,
      h('div', { className: 'stream-bar' }, this.pause, this.backlog, h('span', { className: 'spacer' }), clear),
      this.message,
      this.viewport,
    );
    this.viewport.addEventListener('scroll', () => {
      this.follow = this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT;
    });
    this.viewport.addEventListener('click', (event) => {
      const row = event.target instanceof Element ? event.target.closest<HTMLElement>('.stream-row') : null;
      const entry = row === null ? undefined : this.buffer.visible[Number(row.dataset.index)];
      if (entry !== undefined && entry.record.traceId !== undefined)
        location.hash = routeHash(
          entry.record.spanId === undefined
            ? { view: 'trace', traceId: entry.record.traceId }
            : { view: 'trace', traceId: entry.record.traceId, spanId: entry.record.spanId },
        );
    });
    this.element.addEventListener('keydown', (event) => {
      const typing = (event.target as HTMLElement).closest('input, select, textarea') !== null;
      if (typing) return;
      if (event.key === '/') {
        event.preventDefault();
        this.focus();
      } else if (event.key === ' ' && event.target === this.viewport) {
        event.preventDefault();
        this.togglePause();
      }
    });
    this.windowTimer = setInterval(() => {
      if (this.range.kind === 'last') this.applyFilter();
    }, WINDOW_REFRESH_MS);
    this.applyFilter();
    this.stopWatching = context.source.watchRecords(
      (records) => this.arrived(records),
      (connected) => context.setConnection(connected),
    );
    context.setConnection(false);
    void this.loadFacets();
  }

  /** Shows the stream under another query or range (the URL changed); the lines kept are filtered again. */
  setQuery(query: TraceQuery, range: TimeRange): void {
    this.query = query;
    this.range = range;
    this.form.set(query, range);
    this.applyFilter();
    void this.loadFacets();
  }

  /** Puts keyboard focus on the search box. */
  focus(): void {
    this.form.focus();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    clearInterval(this.windowTimer);
    this.stopWatching();
  }

  /** Lines kept, matching and waiting in the backlog (for tests and the bench). */
  get counts(): { kept: number; shown: number; backlog: number } {
    return { kept: this.buffer.size, shown: this.buffer.visible.length, backlog: this.buffer.backlogCount };
  }

  private async loadFacets(): Promise<void> {
    try {
      this.form.setFacets(await this.context.source.traceFacets(this.query, rangeBounds(this.range, Date.now() * 1000)));
    } catch (error) {
      if (error instanceof HttpStatusError && error.needsToken) this.context.askForToken();
    }
  }

  private applyFilter(): void {
    const query = this.query;
    const bounds = rangeBounds(this.range, Date.now() * 1000);
    this.buffer.setFilter((entry) => withinBounds(bounds, entry.timeUs) && entryMatches(entry, query));
    this.render();
  }

  private togglePause(): void {
    if (this.buffer.paused) this.buffer.resume();
    else this.buffer.pause();
    this.pause.textContent = this.buffer.paused ? '▶ Resume' : '⏸ Pause';
    this.pause.setAttribute('aria-pressed', String(this.buffer.paused));
    this.render();
  }

  private arrived(records: readonly NormalizedRecord[]): void {
    this.buffer.push(this.maker.entries(records));
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  private render(): void {
    const visible = this.buffer.visible;
    this.rows.setItems(visible);
    if (this.follow && !this.buffer.paused) this.viewport.scrollTop = this.viewport.scrollHeight;
    const backlog = this.buffer.backlogCount;
    this.backlog.textContent = this.buffer.paused ? `paused · ${backlog.toLocaleString('en')} new ${backlog === 1 ? 'line' : 'lines'} waiting` : '';
    this.message.classList.remove('error');
    this.message.textContent =
      this.buffer.size === 0
        ? 'Waiting for spans and logs… Everything the server stores from now on streams here.'
        : `${visible.length.toLocaleString('en')} of ${this.buffer.held.toLocaleString('en')} lines shown${this.buffer.dropped > 0 ? ` · the oldest ${this.buffer.dropped.toLocaleString('en')} were dropped (at most ${STREAM_CAP.toLocaleString('en')} are kept)` : ''}`;
  }

  private fill(row: HTMLElement, entry: StreamEntry): void {
    const { record } = entry;
    const failed = (entry.kind === 'end' && record.status === 'error') || record.level === 'error' || record.level === 'fatal';
    row.className = `stream-row kind-${entry.kind}${record.level !== undefined ? ` level-${record.level}` : ''}${failed ? ' failed' : ''}`;
    const what = entry.kind === 'log' || entry.kind === 'event' ? record.event : (record.name ?? record.event);
    row.replaceChildren(
      h('span', { className: 'stream-time mono', text: formatLocalTime(entry.timeUs), title: formatLocalDateTime(entry.timeUs) }),
      h('span', { className: 'stream-kind', text: entry.kind === 'log' ? (record.level ?? 'log') : KIND_TEXT[entry.kind] }),
      h('span', { className: 'stream-service', text: record.service ?? '' }),
      h('span', { className: 'stream-what', text: what }),
      h('span', {
        className: 'stream-extra mono muted',
        text:
          entry.kind === 'end' && record.durationMs !== undefined
            ? formatDuration(record.durationMs)
            : entry.kind === 'end' && record.status === 'error'
              ? 'error'
              : '',
      }),
      h('span', { className: 'stream-trace mono muted', text: record.traceId === undefined ? 'no trace' : record.traceId.slice(0, 8) }),
    );
  }
}
