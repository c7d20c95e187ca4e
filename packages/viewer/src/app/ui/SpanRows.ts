import { modelOf, totalsBadge, totalsWords, usageBadge, usageOf, usageWords, type SpanNode, type TokenTotals } from '@aitrace/forest';
import { formatDuration, formatOffset } from '../model/formatTime.js';
import type { SpanIndex } from '../model/spanIndex.js';
import { spanMarkers, type SpanMarker } from '../model/spanMarkers.js';
import { spanStatusView } from '../model/spanStates.js';
import { barEndUs, barGeometry, durationLabelPlacement, type TimeWindow } from '../model/timeline.js';
import type { VisibleRow } from '../model/visibleRows.js';
import { h, replaceChildren } from './dom.js';
import { VirtualRows } from './VirtualRows.js';

const ROW_HEIGHT = 26;
const INDENT_PX = 16;

/** What the rows draw from, read at each draw. */
export interface RowState {
  selected: string | undefined;
  index: SpanIndex | undefined;
  window: TimeWindow;
  nowUs: number | undefined;
  /** The ∑ tokens of each span's subtree that has any (forest's tokensBySpan, once per trace version). */
  tokens: ReadonlyMap<SpanNode, TokenTotals>;
  /** The spans on the critical path while it is highlighted. */
  critical: ReadonlySet<string> | undefined;
  traceStartUs: number;
}

/** What clicks on the rows ask for. */
export interface RowActions {
  select(index: number): void;
  toggle(index: number): void;
  /** A marker was clicked: show that event or log (`events:3`) of the span in row `index`. */
  showRecord(index: number, key: string): void;
}

interface RowParts {
  name: HTMLElement;
  toggle: HTMLElement;
  icon: HTMLElement;
  label: HTMLElement;
  badge: HTMLElement;
  tokens: HTMLElement;
  bar: HTMLElement;
  markers: HTMLElement;
  duration: HTMLElement;
}

// Tooltips list this many records of a marker, then say how many more.
const TOOLTIP_RECORDS = 8;

function markerTitle(marker: SpanMarker, traceStartUs: number): string {
  const lines = marker.records
    .slice(0, TOOLTIP_RECORDS)
    .map(({ record }) => `${formatOffset(record.timeUs - traceStartUs)} ${record.level ?? (record.type === 'span_event' ? 'event' : 'log')} ${record.event}`);
  if (marker.records.length > TOOLTIP_RECORDS) lines.push(`… ${marker.records.length - TOOLTIP_RECORDS} more`);
  return lines.join('\n');
}

/**
 * The span tree beside its waterfall: one row per visible span (name, state, badge) with its bar and duration.
 * Only the rows in view are in the DOM.
 */
export class SpanRows {
  /** The scrolling tree element (it takes the keyboard focus). */
  readonly viewport = h('div', { className: 'span-viewport', attrs: { tabindex: '0', role: 'tree', 'aria-label': 'Spans' } });
  private readonly rows: VirtualRows<VisibleRow>;
  private readonly parts = new WeakMap<HTMLElement, RowParts>();

  constructor(
    private readonly state: () => RowState,
    actions: RowActions,
  ) {
    this.rows = new VirtualRows(this.viewport, ROW_HEIGHT, { create: () => this.createRow(), update: (row, item, i) => this.updateRow(row, item, i) });
    this.viewport.addEventListener('click', (event) => {
      const index = this.rowIndexOf(event.target);
      if (index === undefined) return;
      const marker = event.target instanceof Element ? event.target.closest<HTMLElement>('.span-marker') : null;
      if (marker?.dataset.record !== undefined) actions.showRecord(index, marker.dataset.record);
      else if (event.target instanceof Element && event.target.closest('.toggle') !== null) actions.toggle(index);
      else actions.select(index);
    });
    this.viewport.addEventListener('dblclick', (event) => {
      const index = this.rowIndexOf(event.target);
      if (index !== undefined) actions.toggle(index);
    });
  }

  /** Replaces the rows shown. */
  setRows(rows: readonly VisibleRow[]): void {
    this.rows.setItems(rows);
  }

  /** Redraws the rows in view (time moved on, or the selection changed). */
  refresh(): void {
    this.rows.refresh();
  }

  /** Scrolls row `index` into view. */
  scrollToIndex(index: number): void {
    this.rows.scrollToIndex(index);
  }

  /** How many rows fit the viewport. */
  pageSize(): number {
    return this.rows.pageSize();
  }

  /** Marks the selected row for assistive technology. */
  setActiveRow(index: number | undefined): void {
    if (index === undefined) this.viewport.removeAttribute('aria-activedescendant');
    else this.viewport.setAttribute('aria-activedescendant', `span-row-${index}`);
  }

  private rowIndexOf(target: EventTarget | null): number | undefined {
    const row = target instanceof Element ? target.closest<HTMLElement>('.span-row') : null;
    return row?.dataset.index === undefined ? undefined : Number(row.dataset.index);
  }

  private createRow(): HTMLElement {
    const toggle = h('span', { className: 'toggle' });
    const icon = h('span', { className: 'state-icon' });
    const label = h('span', { className: 'span-label' });
    const badge = h('span', { className: 'span-badge' });
    const tokens = h('span', { className: 'token-badge' });
    const name = h('div', { className: 'span-name' }, toggle, icon, label, badge, tokens);
    const bar = h('div', { className: 'span-bar' });
    const duration = h('span', { className: 'span-duration' });
    const markers = h('div', { className: 'span-markers' });
    const row = h('div', { className: 'span-row', attrs: { role: 'treeitem' } }, name, h('div', { className: 'span-timeline' }, bar, markers, duration));
    this.parts.set(row, { name, toggle, icon, label, badge, tokens, bar, markers, duration });
    return row;
  }

  private updateRow(row: HTMLElement, item: VisibleRow, index: number): void {
    const state = this.state();
    const parts = this.parts.get(row)!;
    const { node } = item;
    const selected = node.spanId === state.selected;
    const status = spanStatusView(node);
    const path = state.critical === undefined ? '' : state.critical.has(node.spanId) ? ' critical' : ' off-critical';
    row.className = `span-row state-${node.state} status-${status.kind}${selected ? ' selected' : ''}${path}`;
    row.id = `span-row-${index}`;
    row.dataset.spanId = node.spanId;
    row.setAttribute('aria-level', String(item.depth + 1));
    row.setAttribute('aria-selected', String(selected));
    if (item.expandable) row.setAttribute('aria-expanded', String(item.expanded));
    else row.removeAttribute('aria-expanded');
    parts.name.style.paddingLeft = `${4 + item.depth * INDENT_PX}px`;
    parts.toggle.textContent = item.expandable ? (item.expanded ? '▾' : '▸') : '';
    parts.icon.textContent = status.icon;
    parts.icon.title = status.label;
    parts.label.textContent = node.name;
    const hiddenErrors = item.expandable && !item.expanded ? (state.index?.errorsBelow.get(node.spanId) ?? 0) : 0;
    const kind = node.kind !== undefined && node.kind !== 'internal' ? `[${node.kind}]` : '';
    const service = node.parentSpanId === undefined ? (node.service ?? '') : '';
    parts.badge.textContent = hiddenErrors > 0 ? `${hiddenErrors} ✗ inside` : [kind, service].filter((text) => text !== '').join(' ');
    parts.badge.className = `span-badge${hiddenErrors > 0 ? ' has-errors' : ''}`;
    this.updateTokens(parts.tokens, node, state);
    const geometry = barGeometry(node, state.window, state.nowUs);
    parts.bar.style.left = `${geometry.leftPct}%`;
    parts.bar.style.width = `${geometry.widthPct}%`;
    this.updateMarkers(parts.markers, node, state);
    const endUs = barEndUs(node, state.window, state.nowUs);
    const text =
      node.state === 'running'
        ? `running ${formatDuration((endUs - node.startUs) / 1000)}`
        : node.state === 'cut_off'
          ? 'cut off'
          : formatDuration(node.durationMs ?? 0);
    parts.duration.textContent = text;
    const placement = durationLabelPlacement(geometry);
    parts.duration.className = `span-duration${placement.inside ? ' inside' : ''}`;
    parts.duration.style.left = placement.left;
    parts.duration.style.right = placement.right;
  }

  /** A marker per point in time where the span has events or logs; hover shows them, a click opens them. */
  private updateMarkers(element: HTMLElement, node: SpanNode, state: RowState): void {
    if (node.events.length === 0 && node.logs.length === 0) {
      if (element.firstChild !== null) replaceChildren(element);
      return;
    }
    replaceChildren(
      element,
      ...spanMarkers(node, state.window).map((marker) => {
        const count = marker.records.length;
        const dot = h('span', {
          className: `span-marker marker-${marker.kind}`,
          title: markerTitle(marker, state.traceStartUs),
          attrs: { 'aria-label': `${count} ${count === 1 ? 'record' : 'records'}: ${marker.records[0]!.record.event}` },
        });
        dot.style.left = `${marker.leftPct}%`;
        dot.dataset.record = marker.records[0]!.key;
        return dot;
      }),
    );
  }

  /** A model call's own token counts, else the ∑ of the calls below a span; nothing for spans without tokens. */
  private updateTokens(element: HTMLElement, node: SpanNode, state: RowState): void {
    const usage = usageOf(node.attrs);
    const own = usageBadge(usage);
    const totals = own === '' && node.children.length > 0 ? state.tokens.get(node) : undefined;
    if (own !== '') {
      const model = modelOf(node.attrs);
      element.textContent = own;
      element.title = `Tokens of this call${model !== undefined ? ` (${model})` : ''}: ${usageWords(usage)}`;
      element.className = 'token-badge token-own';
    } else if (totals !== undefined && totals.calls > 0) {
      element.textContent = totalsBadge(totals);
      element.title = `Below this span, ${totalsWords(totals)}`;
      element.className = 'token-badge token-sum';
    } else {
      element.textContent = '';
      element.title = '';
      element.className = 'token-badge';
    }
  }
}
