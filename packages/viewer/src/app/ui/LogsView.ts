import { formatEpochMicros, LEVEL_NAMES, type NormalizedRecord } from '@aitrace/format';
import { HttpStatusError } from '../data/HttpStatusError.js';
import { logMatches } from '../data/localLists.js';
import { formatAttrFilterText, parseAttrFilterText } from '../model/attrFilterText.js';
import { formatLocalDateTime, formatLocalTime } from '../model/formatTime.js';
import type { LogViewQuery } from '../model/logQuery.js';
import { routeHash } from '../model/route.js';
import { formatSourceLocation } from '../model/sourceLocation.js';
import { rangeBounds, type TimeBounds } from '../model/timeRange.js';
import { attrText as attrFilterText, type FacetValue } from '@aitrace/forest';
import { h } from './dom.js';
import { FacetSelect } from './FacetSelect.js';
import { attributeTable } from './SpanDetail.js';
import { TimeRangePicker } from './TimeRangePicker.js';
import { filterInput, inputText } from './TraceFilterForm.js';
import type { View, ViewContext } from './ViewContext.js';

// Fields shown in a log's one-line summary before the rest is folded away.
const PREVIEW_FIELDS = 4;
// Live logs added on top at most before the oldest rows shown are dropped (the server keeps them all).
const MAX_ROWS = 5000;

/** Level counts as "this level and above" counts, for the minimum-level dropdown. */
function atLeastCounts(levels: readonly FacetValue[]): FacetValue[] {
  const byLevel = new Map(levels.map(({ value, count }) => [value, count]));
  let total = 0;
  const counts: FacetValue[] = [];
  for (const level of [...LEVEL_NAMES].reverse()) {
    total += byLevel.get(level) ?? 0;
    if (byLevel.has(level)) counts.push({ value: level, count: total });
  }
  return counts.reverse();
}

/** A log's fields in one line: `key=value`, values as the attribute filters compare them. */
function preview(attrs: Record<string, unknown>): string {
  const keys = Object.keys(attrs);
  const shown = keys.slice(0, PREVIEW_FIELDS).map((key) => `${key}=${attrFilterText(attrs[key])}`);
  return keys.length > PREVIEW_FIELDS ? `${shown.join(' ')} … +${keys.length - PREVIEW_FIELDS}` : shown.join(' ');
}

/** One log: a summary line (time, level, service, message, fields) that expands into its fields and where it came from. */
export function logRow(record: NormalizedRecord): HTMLElement {
  const level = record.level ?? 'log';
  const source = formatSourceLocation(record);
  const spanHref =
    record.traceId === undefined
      ? undefined
      : routeHash(record.spanId === undefined ? { view: 'trace', traceId: record.traceId } : { view: 'trace', traceId: record.traceId, spanId: record.spanId });
  const facts = h('dl', { className: 'facts' });
  const fact = (term: string, value: Node | string | undefined): void => {
    if (value !== undefined && value !== '') facts.append(h('dt', { text: term }), h('dd', {}, value));
  };
  fact('time', formatEpochMicros(record.timeUs));
  fact('service', record.service);
  fact(
    'trace',
    record.traceId === undefined
      ? 'none (outside any trace)'
      : h('a', { className: 'mono log-trace-link', attrs: { href: routeHash({ view: 'trace', traceId: record.traceId }) }, text: record.traceId }),
  );
  fact(
    'span',
    record.spanId === undefined || spanHref === undefined ? undefined : h('a', { className: 'mono', attrs: { href: spanHref }, text: record.spanId }),
  );
  fact('source', source);
  fact('scope', record.scope);
  const row = h(
    'li',
    { className: `log-row level-${level}` },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { className: 'log-time mono', text: formatLocalTime(record.timeUs), title: formatLocalDateTime(record.timeUs) }),
        h('span', { className: `log-level level-${level}`, text: level }),
        h('span', { className: 'log-service', text: record.service ?? '' }),
        h('span', { className: 'log-message', text: record.event }),
        h('span', { className: 'log-fields mono muted', text: preview(record.attrs) }),
        spanHref !== undefined &&
          h('a', {
            className: 'log-span-link',
            attrs: { href: spanHref },
            text: record.spanId === undefined ? 'trace ↗' : 'span ↗',
            title: 'Open the span this log was written in',
          }),
      ),
      h('div', { className: 'log-body' }, facts, attributeTable(record.attrs)),
    ),
  );
  return row;
}

/** The logs: every log, in traces or outside any (startup, background jobs), filtered, newest first, updated live. */
export class LogsView implements View {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly q: HTMLInputElement;
  private readonly level = new FacetSelect('level', 'any level', 'Least level', (value) => `${value} and above`);
  private readonly service = new FacetSelect('service', 'any service', 'Service');
  private readonly attrs: HTMLInputElement;
  private readonly trace: HTMLInputElement;
  private readonly order: HTMLSelectElement;
  private readonly range: TimeRangePicker;
  private readonly message = h('p', { className: 'list-message', attrs: { role: 'status' } });
  private readonly list = h('ol', { className: 'log-list' });
  private readonly more = h('button', { className: 'more', attrs: { type: 'button' }, text: 'Load more' });
  private bounds: TimeBounds = {};
  private cursor: string | null = null;
  private generation = 0;
  private shown = 0;
  private readonly stopWatching: () => void;

  constructor(
    private readonly context: ViewContext,
    private query: LogViewQuery,
  ) {
    this.q = filterInput('q', 'Search log messages and fields…  ( / )', query.q, 'Search text');
    this.attrs = filterInput('attrs', 'key=value …', formatAttrFilterText(query.attrs), 'Fields (key=value, space separated)');
    this.trace = filterInput('trace', 'trace id', query.traceId, 'Trace id');
    this.order = h(
      'select',
      { className: 'filter-order', attrs: { name: 'order', 'aria-label': 'Order' } },
      h('option', { attrs: { value: 'desc' }, text: 'newest first' }),
      h('option', { attrs: { value: 'asc' }, text: 'oldest first' }),
    );
    this.range = new TimeRangePicker(query.range, () => this.submit());
    const clear = h('button', { attrs: { type: 'button' }, text: 'Clear' });
    clear.addEventListener('click', () => {
      this.set({ attrs: [], range: { kind: 'all' }, oldestFirst: false });
      this.submit();
    });
    this.form = h(
      'form',
      { className: 'filters', attrs: { role: 'search' } },
      this.q,
      this.level.element,
      this.service.element,
      this.attrs,
      this.trace,
      this.range.element,
      this.order,
      h('button', { attrs: { type: 'submit' }, text: 'Search' }),
      clear,
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    for (const select of [this.level.element, this.service.element, this.order]) select.addEventListener('change', () => this.submit());
    this.set(query);
    this.more.hidden = true;
    this.more.addEventListener('click', () => void this.load(false));
    this.element = h('section', { className: 'list-view logs-view' }, this.form, this.message, this.list, this.more);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === '/' && (event.target as HTMLElement).closest('input, select, textarea') === null) {
        event.preventDefault();
        this.focus();
      }
    });
    this.stopWatching = context.source.watchRecords(
      (records) => this.arrived(records),
      (connected) => context.setConnection(connected),
    );
    context.setConnection(context.source.live ? false : undefined);
    void this.load(true);
  }

  /** Shows the logs for another query (the URL changed). */
  setQuery(query: LogViewQuery): void {
    this.query = query;
    this.set(query);
    void this.load(true);
  }

  /** Puts keyboard focus on the search box. */
  focus(): void {
    this.q.focus();
  }

  destroy(): void {
    this.generation++;
    this.stopWatching();
  }

  private set(query: LogViewQuery): void {
    this.q.value = query.q ?? '';
    this.level.value = query.level;
    this.service.value = query.service;
    this.attrs.value = formatAttrFilterText(query.attrs);
    this.trace.value = query.traceId ?? '';
    this.order.value = query.oldestFirst ? 'asc' : 'desc';
    this.range.set(query.range);
  }

  private submit(): void {
    const attrs = parseAttrFilterText(this.attrs.value);
    if (!attrs.ok) {
      this.message.textContent = attrs.error;
      this.message.classList.add('error');
      this.attrs.focus();
      return;
    }
    const query: LogViewQuery = { attrs: attrs.filters, range: this.range.value(), oldestFirst: this.order.value === 'asc' };
    const q = inputText(this.q);
    if (q !== undefined) query.q = q;
    const level = this.level.value;
    if (level !== undefined) query.level = level as NonNullable<LogViewQuery['level']>;
    if (this.service.value !== undefined) query.service = this.service.value;
    const trace = inputText(this.trace)?.toLowerCase();
    if (trace !== undefined) {
      if (!/^[0-9a-f]+$/.test(trace)) {
        this.message.textContent = `a trace id is hexadecimal, got ${JSON.stringify(trace)}`;
        this.message.classList.add('error');
        this.trace.focus();
        return;
      }
      query.traceId = trace;
    }
    const hash = routeHash({ view: 'logs', query });
    if (location.hash === hash) void this.load(true);
    else location.hash = hash;
  }

  private async load(reset: boolean): Promise<void> {
    const generation = ++this.generation;
    this.message.classList.remove('error');
    if (reset) {
      this.message.textContent = 'Loading…';
      this.bounds = rangeBounds(this.query.range, Date.now() * 1000);
    }
    const source = this.context.source;
    // The counts come on their own: the logs never wait for them.
    if (reset) {
      source.logFacets(this.query, this.bounds).then(
        (counts) => {
          if (generation !== this.generation) return;
          this.level.setCounts(atLeastCounts(counts.level));
          this.service.setCounts(counts.service);
        },
        () => undefined,
      );
    }
    let page;
    try {
      page = await source.listLogs(this.query, this.bounds, reset ? null : this.cursor);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof HttpStatusError && error.needsToken) {
        this.context.askForToken();
        return;
      }
      this.message.textContent = `Could not load logs: ${(error as Error).message}`;
      this.message.classList.add('error');
      return;
    }
    if (generation !== this.generation) return;
    if (reset) {
      this.list.replaceChildren();
      this.shown = 0;
    }
    this.list.append(...page.logs.map(logRow));
    this.shown += page.logs.length;
    this.cursor = page.nextCursor;
    this.more.hidden = page.nextCursor === null;
    this.showCount(page.nextCursor !== null);
  }

  private showCount(more: boolean): void {
    const filtered =
      this.query.q !== undefined ||
      this.query.level !== undefined ||
      this.query.service !== undefined ||
      this.query.attrs.length > 0 ||
      this.query.traceId !== undefined ||
      this.query.range.kind !== 'all';
    this.message.textContent =
      this.shown > 0
        ? `${this.shown}${more ? '+' : ''} ${this.shown === 1 ? 'log' : 'logs'}${filtered ? ' match' : ''}`
        : filtered
          ? 'No logs match these filters.'
          : 'No logs yet. Logs sent over OTLP (/v1/logs), JSONL or a watched file show here, in traces or not.';
  }

  /** New logs from the live stream go on top (newest-first lists whose range reaches now). */
  private arrived(records: readonly NormalizedRecord[]): void {
    if (this.query.oldestFirst || this.query.range.kind === 'custom') return;
    const bounds = rangeBounds(this.query.range, Date.now() * 1000);
    const fresh = records.filter((record) => logMatches(record, this.query, bounds)).sort((a, b) => b.timeUs - a.timeUs);
    if (fresh.length === 0) return;
    this.list.prepend(...fresh.map(logRow));
    this.shown += fresh.length;
    while (this.list.childElementCount > MAX_ROWS) this.list.lastElementChild!.remove();
    this.showCount(this.cursor !== null);
  }
}
