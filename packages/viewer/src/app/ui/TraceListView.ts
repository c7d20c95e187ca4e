import { HttpStatusError } from '../data/HttpStatusError.js';
import { FilterSyntaxError, traceQueryFromText, traceQueryToText } from '@aitrace/forest';
import { formatAttrFilterText, parseAttrFilterText } from '../model/attrFilterText.js';
import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { routeHash } from '../model/route.js';
import { STATE_ICON } from '../model/spanStates.js';
import type { TraceListItem } from '../model/TraceListItem.js';
import { isEmptyQuery, isStatusFilter, type TraceQuery } from '../model/traceQuery.js';
import { ComparePicker } from './ComparePicker.js';
import { h } from './dom.js';
import type { View, ViewContext } from './ViewContext.js';

// While live, a changed trace that is not on screen triggers at most one reload per this many ms.
const RELOAD_THROTTLE_MS = 1000;

function input(name: string, placeholder: string, value: string | undefined, label: string): HTMLInputElement {
  const element = h('input', { className: `filter-${name}`, attrs: { name, type: name === 'q' ? 'search' : 'text', placeholder, 'aria-label': label, autocomplete: 'off', spellcheck: 'false' } });
  element.value = value ?? '';
  return element;
}

/** The trace list: search and filters (kept in the URL), newest traces first, updated live. */
export class TraceListView implements View {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly fields: { q: HTMLInputElement; service: HTMLInputElement; name: HTMLInputElement; status: HTMLSelectElement; attrs: HTMLInputElement };
  private readonly message = h('p', { className: 'list-message', attrs: { role: 'status' } });
  private readonly body = h('tbody');
  private readonly more = h('button', { className: 'more', attrs: { type: 'button' }, text: 'Load more' });
  private readonly rowsById = new Map<string, HTMLTableRowElement>();
  private readonly compare = new ComparePicker();
  private query: TraceQuery;
  private cursor: string | null = null;
  private generation = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopWatching: () => void;

  constructor(
    private readonly context: ViewContext,
    query: TraceQuery,
  ) {
    this.query = query;
    const status = h(
      'select',
      { className: 'filter-status', attrs: { name: 'status', 'aria-label': 'Status' } },
      h('option', { attrs: { value: '' }, text: 'any status' }),
      h('option', { attrs: { value: 'error' }, text: 'with errors' }),
      h('option', { attrs: { value: 'running' }, text: context.source.live ? 'running' : 'not ended' }),
      h('option', { attrs: { value: 'ok' }, text: 'ok' }),
    );
    this.fields = {
      q: input('q', 'Search text, or terms: status:error model:… key=value  ( / )', query.q === undefined ? undefined : traceQueryToText({ q: query.q }), 'Search text and filter terms'),
      service: input('service', 'service', query.service, 'Service'),
      name: input('name', 'span name', query.name, 'Span name'),
      status,
      attrs: input('attrs', 'key=value …', formatAttrFilterText(query.attrs ?? []), 'Attributes (key=value, space separated)'),
    };
    status.value = query.status ?? '';
    const clear = h('button', { attrs: { type: 'button' }, text: 'Clear' });
    clear.addEventListener('click', () => {
      this.form.reset();
      this.fields.status.value = '';
      for (const field of [this.fields.q, this.fields.service, this.fields.name, this.fields.attrs]) field.value = '';
      this.submit();
    });
    this.form = h(
      'form',
      { className: 'filters', attrs: { role: 'search' } },
      this.fields.q,
      this.fields.service,
      this.fields.name,
      this.fields.status,
      this.fields.attrs,
      h('button', { attrs: { type: 'submit' }, text: 'Search' }),
      clear,
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    status.addEventListener('change', () => this.submit());
    const problems = context.source.problems;
    const table = h(
      'table',
      { className: 'trace-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['', 'Root span', 'Service', 'Start', 'Duration', 'Spans', 'Errors', 'Compare'].map((text) => h('th', { attrs: { scope: 'col' }, text }))),
      ),
      this.body,
    );
    this.more.hidden = true;
    this.more.addEventListener('click', () => void this.load(false));
    this.element = h(
      'section',
      { className: 'list-view' },
      this.form,
      problems.length > 0 &&
        h(
          'details',
          { className: 'problems' },
          h('summary', { text: `${problems.length} ${problems.length === 1 ? 'line' : 'lines'} of the source could not be read and ${problems.length === 1 ? 'was' : 'were'} skipped` }),
          h('ol', {}, ...problems.slice(0, 200).map((problem) => h('li', { text: `line ${problem.line}: ${problem.message}` }))),
        ),
      this.message,
      this.compare.element,
      h('div', { className: 'table-scroll' }, table),
      this.more,
    );
    this.body.addEventListener('click', (event) => {
      const row = event.target instanceof Element ? event.target.closest<HTMLTableRowElement>('tr[data-trace-id]') : null;
      if (row !== null && !(event.target instanceof HTMLAnchorElement) && !this.compare.owns(event.target)) location.hash = routeHash({ view: 'trace', traceId: row.dataset.traceId! });
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.stopWatching = context.source.watchTraces(
      (trace) => this.changed(trace),
      (connected) => context.setConnection(connected),
    );
    context.setConnection(context.source.live ? false : undefined);
    void this.load(true);
  }

  /** Shows the list for another query (the URL changed) without rebuilding the form. */
  setQuery(query: TraceQuery): void {
    this.query = query;
    void this.load(true);
  }

  /** Puts keyboard focus on the search box. */
  focus(): void {
    this.fields.q.focus();
  }

  destroy(): void {
    this.generation++;
    clearTimeout(this.reloadTimer);
    this.stopWatching();
  }

  private submit(): void {
    const attrs = parseAttrFilterText(this.fields.attrs.value);
    if (!attrs.ok) {
      this.message.textContent = attrs.error;
      this.message.classList.add('error');
      this.fields.attrs.focus();
      return;
    }
    const fields: TraceQuery = { attrs: attrs.filters };
    const text = (field: HTMLInputElement): string | undefined => (field.value.trim() === '' ? undefined : field.value.trim());
    const service = text(this.fields.service);
    if (service !== undefined) fields.service = service;
    const name = text(this.fields.name);
    if (name !== undefined) fields.name = name;
    if (isStatusFilter(this.fields.status.value)) fields.status = this.fields.status.value;
    let query: TraceQuery;
    try {
      // The search box takes the filter text syntax; its terms add to the other fields.
      query = traceQueryFromText(this.fields.q.value, fields);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      this.message.textContent = error.message;
      this.message.classList.add('error');
      this.fields.q.focus();
      return;
    }
    const hash = routeHash({ view: 'list', query });
    // The app sees the hash change and calls setQuery; the same hash reloads here.
    if (location.hash === hash) void this.load(true);
    else location.hash = hash;
  }

  private async load(reset: boolean): Promise<void> {
    const generation = ++this.generation;
    this.message.classList.remove('error');
    if (reset) this.message.textContent = 'Loading…';
    let page;
    try {
      page = await this.context.source.listTraces(this.query, reset ? null : this.cursor);
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
        ? `${count}${page.nextCursor !== null ? '+' : ''} ${count === 1 ? 'trace' : 'traces'}${isEmptyQuery(this.query) ? '' : ' match'}`
        : isEmptyQuery(this.query)
          ? this.context.source.live
            ? 'No traces yet. Send OTLP from any OpenTelemetry SDK (HTTP protobuf or JSON to /v1/traces, or gRPC), JSONL to /api/ingest, or start the server with --watch FILE.'
            : 'This file holds no traces.'
          : 'No traces match these filters.';
  }

  private renderRow(trace: TraceListItem): HTMLTableRowElement {
    const state = trace.errorCount > 0 ? 'error' : trace.runningCount > 0 ? (this.context.source.live ? 'running' : 'cut_off') : 'ok';
    const link = h('a', { attrs: { href: routeHash({ view: 'trace', traceId: trace.traceId }) } }, h('span', { className: 'root-name', text: trace.rootName ?? '(no span yet)' }));
    const duration = trace.runningCount > 0 && this.context.source.live ? 'running' : trace.durationMs !== null ? formatDuration(trace.durationMs) : '–';
    const row = h(
      'tr',
      { className: `trace-row state-${state}`, attrs: { tabindex: '-1' } },
      h('td', { className: 'state-icon', text: STATE_ICON[state], title: state.replace('_', ' ') }),
      h('td', { className: 'root' }, link, h('code', { className: 'trace-id', text: trace.traceId.slice(0, 8) })),
      h('td', { className: 'service', text: trace.service ?? '' }),
      h('td', { className: 'start mono', text: formatLocalDateTime(trace.startUs) }),
      h('td', { className: 'duration mono', text: duration }),
      h('td', { className: 'count mono', text: String(trace.spanCount) }),
      h('td', { className: 'count mono', text: trace.errorCount > 0 ? String(trace.errorCount) : '' }),
      h('td', { className: 'compare' }, this.compare.checkbox(trace.traceId)),
    );
    row.dataset.traceId = trace.traceId;
    return row;
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
