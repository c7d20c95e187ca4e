import { formatCount } from '@aitrace/forest';
import { HttpStatusError } from '../data/HttpStatusError.js';
import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { DEFAULT_LIST_OPTIONS, type ListOptions, type ListSort } from '../model/listOptions.js';
import { routeHash } from '../model/route.js';
import { STATE_ICON } from '../model/spanStates.js';
import { rangeBounds, type TimeBounds } from '../model/timeRange.js';
import type { TraceListItem } from '../model/TraceListItem.js';
import { isEmptyQuery, type TraceQuery } from '../model/traceQuery.js';
import { ComparePicker } from './ComparePicker.js';
import { h } from './dom.js';
import { DurationScatter } from './DurationScatter.js';
import { TraceFilterForm } from './TraceFilterForm.js';
import type { View, ViewContext } from './ViewContext.js';

// While live, a changed trace that is not on screen triggers at most one reload per this many ms.
const RELOAD_THROTTLE_MS = 1000;
// Traces the scatter plot shows at most (the newest matching ones).
const SCATTER_LIMIT = 1000;

const COLUMNS: ReadonlyArray<[string, ListSort | undefined]> = [
  ['', undefined],
  ['Root span', undefined],
  ['Service', undefined],
  ['Start', 'start'],
  ['Duration', 'duration'],
  ['Spans', 'spans'],
  ['Errors', 'errors'],
  ['Tokens', undefined],
  ['Compare', undefined],
];

/** The trace list: search, facets and a time range (kept in the URL), a duration scatter plot, sortable columns, updated live. */
export class TraceListView implements View {
  readonly element: HTMLElement;
  private readonly form: TraceFilterForm;
  private readonly scatter: DurationScatter;
  private readonly message = h('p', { className: 'list-message', attrs: { role: 'status' } });
  private readonly body = h('tbody');
  private readonly headRow = h('tr');
  private readonly more = h('button', { className: 'more', attrs: { type: 'button' }, text: 'Load more' });
  private readonly rowsById = new Map<string, HTMLTableRowElement>();
  private readonly compare = new ComparePicker();
  private query: TraceQuery;
  private options: ListOptions;
  private bounds: TimeBounds = {};
  private cursor: string | null = null;
  private generation = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopWatching: () => void;

  constructor(
    private readonly context: ViewContext,
    query: TraceQuery,
    options: ListOptions = DEFAULT_LIST_OPTIONS,
  ) {
    this.query = query;
    this.options = options;
    this.form = new TraceFilterForm(query, options.range, context.source.live, (result) => {
      if ('error' in result) {
        this.message.textContent = result.error;
        this.message.classList.add('error');
        return;
      }
      this.go(result.query, { ...this.options, range: result.range });
    });
    this.scatter = new DurationScatter({
      open: (traceId) => {
        location.hash = routeHash({ view: 'trace', traceId });
      },
      selectRange: (fromUs, toUs) => this.go(this.query, { ...this.options, range: { kind: 'custom', fromUs, toUs } }),
    });
    const problems = context.source.problems;
    const table = h('table', { className: 'trace-table' }, h('thead', {}, this.headRow), this.body);
    this.renderHead();
    this.more.hidden = true;
    this.more.addEventListener('click', () => void this.load(false));
    this.element = h(
      'section',
      { className: 'list-view' },
      this.form.element,
      problems.length > 0 &&
        h(
          'details',
          { className: 'problems' },
          h('summary', {
            text: `${problems.length} ${problems.length === 1 ? 'line' : 'lines'} of the source could not be read and ${problems.length === 1 ? 'was' : 'were'} skipped`,
          }),
          h('ol', {}, ...problems.slice(0, 200).map((problem) => h('li', { text: `line ${problem.line}: ${problem.message}` }))),
        ),
      this.scatter.element,
      this.message,
      this.compare.element,
      h('div', { className: 'table-scroll' }, table),
      this.more,
    );
    this.body.addEventListener('click', (event) => {
      const row = event.target instanceof Element ? event.target.closest<HTMLTableRowElement>('tr[data-trace-id]') : null;
      if (row !== null && !(event.target instanceof HTMLAnchorElement) && !this.compare.owns(event.target))
        location.hash = routeHash({ view: 'trace', traceId: row.dataset.traceId! });
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.stopWatching = context.source.watchTraces(
      (trace) => this.changed(trace),
      (connected) => context.setConnection(connected),
    );
    context.setConnection(context.source.live ? false : undefined);
    void this.load(true);
  }

  /** Shows the list for another query or options (the URL changed) without rebuilding the form. */
  setQuery(query: TraceQuery, options: ListOptions = DEFAULT_LIST_OPTIONS): void {
    this.query = query;
    this.options = options;
    this.form.set(query, options.range);
    this.renderHead();
    void this.load(true);
  }

  /** Puts keyboard focus on the search box. */
  focus(): void {
    this.form.focus();
  }

  destroy(): void {
    this.generation++;
    clearTimeout(this.reloadTimer);
    this.stopWatching();
  }

  /** Puts a query and options into the URL; the app sees the hash change and calls setQuery (the same hash reloads here). */
  private go(query: TraceQuery, options: ListOptions): void {
    const hash = routeHash({ view: 'list', query, options });
    if (location.hash === hash || (hash === '#/' && (location.hash === '' || location.hash === '#'))) void this.load(true);
    else location.hash = hash;
  }

  private renderHead(): void {
    this.headRow.replaceChildren(
      ...COLUMNS.map(([text, sort]) => {
        if (sort === undefined) return h('th', { attrs: { scope: 'col' }, text });
        const active = this.options.sort === sort;
        const button = h('button', {
          className: `sort${active ? ' sort-active' : ''}`,
          attrs: { type: 'button', 'data-sort': sort },
          text: `${text}${active ? (this.options.order === 'desc' ? ' ▼' : ' ▲') : ''}`,
          title: `Sort by ${text.toLowerCase()}`,
        });
        button.addEventListener('click', () => this.go(this.query, { ...this.options, sort, order: active && this.options.order === 'desc' ? 'asc' : 'desc' }));
        return h('th', { attrs: { scope: 'col', 'aria-sort': active ? (this.options.order === 'desc' ? 'descending' : 'ascending') : 'none' } }, button);
      }),
    );
  }

  private async loadSideData(generation: number): Promise<void> {
    const source = this.context.source;
    const [sample, facets] = await Promise.all([
      source.listTraces(this.query, null, { bounds: this.bounds, limit: SCATTER_LIMIT }),
      source.traceFacets(this.query, this.bounds),
    ]);
    if (generation !== this.generation) return;
    this.scatter.setTraces(sample.traces);
    this.form.setFacets(facets);
  }

  private async load(reset: boolean): Promise<void> {
    const generation = ++this.generation;
    this.message.classList.remove('error');
    if (reset) this.message.textContent = 'Loading…';
    if (reset) this.bounds = rangeBounds(this.options.range, Date.now() * 1000);
    let page;
    try {
      const request = { bounds: this.bounds, sort: this.options.sort, order: this.options.order };
      // The plot and the counts come on their own: the list never waits for them.
      if (reset) this.loadSideData(generation).catch(() => undefined);
      page = await this.context.source.listTraces(this.query, reset ? null : this.cursor, request);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof HttpStatusError && error.needsToken) {
        this.context.askForToken();
        return;
      }
      this.message.textContent = `Could not load traces: ${(error as Error).message}`;
      this.message.classList.add('error');
      return;
    }
    if (generation !== this.generation) return;
    if (reset) {
      this.body.replaceChildren();
      this.rowsById.clear();
    }
    for (const trace of page.traces) {
      const row = this.renderRow(trace);
      this.rowsById.set(trace.traceId, row);
      this.body.append(row);
    }
    this.cursor = page.nextCursor;
    this.more.hidden = page.nextCursor === null;
    const count = this.rowsById.size;
    this.message.textContent =
      count > 0
        ? `${count}${page.nextCursor !== null ? '+' : ''} ${count === 1 ? 'trace' : 'traces'}${this.filtered() ? ' match' : ''}`
        : !this.filtered()
          ? this.context.source.live
            ? 'No traces yet. Send OTLP from any OpenTelemetry SDK (HTTP protobuf or JSON to /v1/traces, or gRPC), JSONL to /api/ingest, or start the server with --watch FILE.'
            : 'This file holds no traces.'
          : 'No traces match these filters.';
  }

  private filtered(): boolean {
    return !isEmptyQuery(this.query) || this.options.range.kind !== 'all';
  }

  private renderRow(trace: TraceListItem): HTMLTableRowElement {
    const state = trace.errorCount > 0 ? 'error' : trace.runningCount > 0 ? (this.context.source.live ? 'running' : 'cut_off') : 'ok';
    const link = h(
      'a',
      { attrs: { href: routeHash({ view: 'trace', traceId: trace.traceId }) } },
      h('span', { className: 'root-name', text: trace.rootName ?? '(no span yet)' }),
    );
    const duration = trace.runningCount > 0 && this.context.source.live ? 'running' : trace.durationMs !== null ? formatDuration(trace.durationMs) : '–';
    const row = h(
      'tr',
      { className: `trace-row state-${state}`, attrs: { tabindex: '-1' } },
      h('td', { className: 'state-icon', text: STATE_ICON[state], title: state.replace('_', ' ') }),
      h('td', { className: 'root' }, link, h('code', { className: 'trace-id', text: trace.traceId.slice(0, 8) }), ...this.conversationLinks(trace)),
      h('td', { className: 'service', text: trace.service ?? '' }),
      h('td', { className: 'start mono', text: formatLocalDateTime(trace.startUs) }),
      h('td', { className: 'duration mono', text: duration }),
      h('td', { className: 'count mono', text: String(trace.spanCount) }),
      h('td', { className: 'count mono', text: trace.errorCount > 0 ? String(trace.errorCount) : '' }),
      this.tokenCell(trace),
      h('td', { className: 'compare' }, this.compare.checkbox(trace.traceId)),
    );
    row.dataset.traceId = trace.traceId;
    return row;
  }

  /** The trace's token total (input plus output), with the split in its tooltip; empty for a trace without model calls. */
  private tokenCell(trace: TraceListItem): HTMLTableCellElement {
    const input = trace.inputTokens ?? null;
    const output = trace.outputTokens ?? null;
    if (input === null && output === null) return h('td', { className: 'tokens count mono' });
    const models = trace.models ?? [];
    return h('td', {
      className: 'tokens count mono',
      text: `∑ ${formatCount((input ?? 0) + (output ?? 0))}`,
      title: `${input === null ? '?' : formatCount(input)} input · ${output === null ? '?' : formatCount(output)} output tokens${models.length > 0 ? ` · ${models.join(', ')}` : ''}`,
    });
  }

  /** Links that show only the traces of one of this trace's conversations. */
  private conversationLinks(trace: TraceListItem): HTMLElement[] {
    return (trace.conversations ?? []).slice(0, 2).map((conversation) =>
      h('a', {
        className: 'conversation-link',
        attrs: { href: routeHash({ view: 'list', query: { ...this.query, conversation }, options: this.options }) },
        text: `💬 ${conversation.length > 14 ? `${conversation.slice(0, 12)}…` : conversation}`,
        title: `Only the traces of conversation ${conversation}`,
      }),
    );
  }

  private changed(trace: TraceListItem): void {
    const existing = this.rowsById.get(trace.traceId);
    if (existing !== undefined) {
      const row = this.renderRow(trace);
      this.rowsById.set(trace.traceId, row);
      const focused = document.activeElement === existing;
      existing.replaceWith(row);
      if (focused) row.focus();
      return;
    }
    this.reloadTimer ??= setTimeout(() => {
      this.reloadTimer = undefined;
      void this.load(true);
    }, RELOAD_THROTTLE_MS);
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const typing = target.closest('input, select, textarea') !== null;
    if (event.key === '/' && !typing) {
      event.preventDefault();
      this.focus();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Enter') return;
    const rows = [...this.body.querySelectorAll<HTMLTableRowElement>('tr[data-trace-id]')];
    const current = rows.findIndex((row) => row === target || row.contains(target));
    if (event.key === 'Enter') {
      if (current === -1 || target instanceof HTMLAnchorElement) return;
      event.preventDefault();
      location.hash = routeHash({ view: 'trace', traceId: rows[current]!.dataset.traceId! });
      return;
    }
    if (typing && event.key === 'ArrowUp') return;
    event.preventDefault();
    const next = event.key === 'ArrowDown' ? Math.min(current + 1, rows.length - 1) : Math.max(current - 1, 0);
    rows[next]?.focus();
  }
}
