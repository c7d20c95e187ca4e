import { environmentOf, serviceVersionOf, type NormalizedRecord } from '@aitrace/format';
import { ForestBuilder, type SpanNode, type TraceTree } from '@aitrace/forest';
import { HttpStatusError } from '../data/HttpStatusError.js';
import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { routeHash } from '../model/route.js';
import { ancestorsOf, indexTrace, type SpanIndex } from '../model/spanIndex.js';
import { STATE_ICON, STATE_LABEL } from '../model/spanStates.js';
import { axisTicks, barEndUs, barGeometry, timeWindow, type TimeWindow } from '../model/timeline.js';
import { visibleRows, type VisibleRow } from '../model/visibleRows.js';
import { h, replaceChildren } from './dom.js';
import { spanDetail, traceDetail } from './SpanDetail.js';
import type { View, ViewContext } from './ViewContext.js';
import { VirtualRows } from './VirtualRows.js';

const ROW_HEIGHT = 26;
const INDENT_PX = 16;
const AXIS_INTERVALS = 4;

interface RowParts {
  name: HTMLElement;
  toggle: HTMLElement;
  icon: HTMLElement;
  label: HTMLElement;
  badge: HTMLElement;
  bar: HTMLElement;
  duration: HTMLElement;
}

/**
 * One trace: a collapsible span tree beside its waterfall (only the visible rows are in the DOM), a detail panel,
 * keyboard navigation, and live updates while spans are running.
 */
export class TraceView implements View {
  readonly element: HTMLElement;
  private readonly builder: ForestBuilder;
  private readonly stop: () => void;
  private readonly header = h('div', { className: 'trace-header' });
  private readonly title = h('h1', { className: 'trace-title' });
  private readonly stats = h('ul', { className: 'trace-stats' });
  private nextErrorButton!: HTMLButtonElement;
  private readonly axis = h('div', { className: 'axis' });
  private readonly viewport = h('div', { className: 'span-viewport', attrs: { tabindex: '0', role: 'tree', 'aria-label': 'Spans' } });
  private readonly detail = h('aside', { className: 'detail-pane', attrs: { 'aria-label': 'Span details', tabindex: '-1' } });
  private readonly notice = h('p', { className: 'notice', attrs: { role: 'status' } });
  private readonly rows: VirtualRows<VisibleRow>;
  private readonly parts = new WeakMap<HTMLElement, RowParts>();
  private trace: TraceTree | undefined;
  private index: SpanIndex | undefined;
  private shown: VisibleRow[] = [];
  private rowOf = new Map<string, number>();
  private readonly collapsed = new Set<string>();
  private selected: string | undefined;
  private wanted: string | undefined;
  private detailOpen = false;
  private window: TimeWindow = { startUs: 0, endUs: 1 };
  private nowUs: number | undefined;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private loaded = false;
  private rebuildMs = 0;

  constructor(
    private readonly context: ViewContext,
    readonly traceId: string,
    spanId: string | undefined,
  ) {
    this.wanted = spanId;
    this.detailOpen = spanId !== undefined;
    this.builder = new ForestBuilder({ ended: !context.source.live });
    this.rows = new VirtualRows(this.viewport, ROW_HEIGHT, { create: () => this.createRow(), update: (row, item, i) => this.updateRow(row, item, i) });
    const timelineHead = h('div', { className: 'span-columns' }, h('div', { className: 'col-name', text: 'Span' }), this.axis);
    this.element = h(
      'section',
      { className: 'trace-view' },
      this.header,
      this.notice,
      h('div', { className: 'trace-body' }, h('div', { className: 'span-pane' }, timelineHead, this.viewport), this.detail),
    );
    this.buildHeader();
    this.detail.hidden = true;
    this.notice.textContent = 'Loading the trace…';
    this.viewport.addEventListener('click', (event) => this.onClick(event));
    this.viewport.addEventListener('dblclick', (event) => {
      const index = this.rowIndexOf(event.target);
      if (index !== undefined) this.toggle(index);
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.stop = context.source.openTrace(traceId, {
      records: (records) => this.receive(records),
      missing: () => this.missing(),
      failed: (error) => this.failed(error),
      connection: (connected) => context.setConnection(connected),
    });
    context.setConnection(context.source.live ? false : undefined);
  }

  /** Puts keyboard focus on the span tree. */
  focus(): void {
    this.viewport.focus({ preventScroll: true });
  }

  /** Selects a span (from a permalink), expanding its ancestors; waits for it if it has not arrived yet. */
  reveal(spanId: string | undefined): void {
    if (spanId === undefined) {
      this.selected = undefined;
      this.renderAll();
      return;
    }
    this.wanted = spanId;
    this.detailOpen = true;
    if (this.index?.byId.has(spanId) === true) this.applyWanted();
  }

  destroy(): void {
    this.stop();
    clearTimeout(this.updateTimer);
    clearInterval(this.tick);
  }

  private receive(records: NormalizedRecord[]): void {
    if (this.builder.add(records) === 0 && this.loaded) return;
    // Live batches arrive in bursts; one rebuild per burst, spaced by twice the last rebuild's cost, keeps a big
    // busy trace responsive.
    this.updateTimer ??= setTimeout(
      () => {
        this.updateTimer = undefined;
        const started = performance.now();
        this.rebuild();
        this.rebuildMs = performance.now() - started;
      },
      this.loaded ? Math.max(50, 2 * this.rebuildMs) : 0,
    );
  }

  private missing(): void {
    if (this.trace !== undefined) return;
    this.notice.textContent = this.context.source.live
      ? `No trace ${this.traceId} is stored (yet). This page shows it as soon as it arrives.`
      : `This file has no trace ${this.traceId}.`;
    this.notice.hidden = false;
  }

  private failed(error: Error): void {
    if (error instanceof HttpStatusError && error.needsToken) {
      this.context.askForToken();
      return;
    }
    this.notice.textContent = `Could not load the trace: ${error.message}`;
    this.notice.hidden = false;
  }

  private rebuild(): void {
    const trace = this.builder.forest().traces.find((candidate) => candidate.traceId === this.traceId);
    if (trace === undefined) return;
    this.loaded = true;
    this.trace = trace;
    this.index = indexTrace(trace);
    this.notice.hidden = true;
    if (this.wanted !== undefined && this.index.byId.has(this.wanted)) this.applyWanted();
    else this.renderAll();
    const running = this.context.source.live && trace.runningCount > 0;
    if (running && this.tick === undefined) this.tick = setInterval(() => this.renderTime(), 1000);
    if (!running && this.tick !== undefined) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  private applyWanted(): void {
    const spanId = this.wanted!;
    this.wanted = undefined;
    for (const ancestor of ancestorsOf(this.index!, spanId)) this.collapsed.delete(ancestor.spanId);
    this.selected = spanId;
    this.renderAll();
    const row = this.rowOf.get(spanId);
    if (row !== undefined) this.rows.scrollToIndex(row);
  }

  private updateWindow(): void {
    const trace = this.trace!;
    this.nowUs = this.context.source.live && trace.runningCount > 0 ? Date.now() * 1000 : undefined;
    this.window = timeWindow(trace.startUs, this.index!.latestUs, this.nowUs);
  }

  private renderAll(): void {
    if (this.trace === undefined) return;
    this.updateWindow();
    this.shown = visibleRows(this.trace.roots, this.collapsed);
    this.rowOf = new Map();
    this.shown.forEach((row, i) => this.rowOf.set(row.node.spanId, i));
    this.rows.setItems(this.shown);
    this.renderHeader();
    this.renderAxis();
    this.renderDetail();
    this.syncActiveDescendant();
  }

  /** Running spans grow with the clock, without rebuilding anything. */
  private renderTime(): void {
    if (this.trace === undefined) return;
    this.updateWindow();
    this.rows.refresh();
    this.renderAxis();
    this.renderHeader();
    const node = this.selectedNode();
    if (node?.state === 'running') this.renderDetail();
  }

  private buildHeader(): void {
    const back = h('a', { className: 'back', attrs: { href: '#/' }, text: '← Traces' });
    back.addEventListener('click', (event) => {
      event.preventDefault();
      this.context.backToList();
    });
    const button = (text: string, title: string, action: () => void): HTMLButtonElement => {
      const element = h('button', { attrs: { type: 'button' }, text, title });
      element.addEventListener('click', action);
      return element;
    };
    this.nextErrorButton = button('Next error', 'Select the next failed span (e; E for the previous)', () => this.nextError(1));
    replaceChildren(
      this.header,
      back,
      this.title,
      h('code', { className: 'trace-id', text: this.traceId }),
      this.stats,
      h(
        'div',
        { className: 'trace-tools' },
        button('Expand all', 'Expand every span', () => this.expandAll(true)),
        button('Collapse all', 'Collapse every span', () => this.expandAll(false)),
        this.nextErrorButton,
        button('Trace info', 'Show the trace facts and its logs outside any span', () => {
          this.selected = undefined;
          this.detailOpen = true;
          this.renderAll();
        }),
      ),
    );
  }

  private renderHeader(): void {
    const trace = this.trace!;
    const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
    const durationMs = trace.endUs !== undefined && trace.runningCount === 0 ? (trace.endUs - trace.startUs) / 1000 : undefined;
    const stats: Array<[string, string]> = [['spans', `${trace.spanCount} ${trace.spanCount === 1 ? 'span' : 'spans'}`]];
    if (trace.errorCount > 0) stats.push(['errors', `${trace.errorCount} ${trace.errorCount === 1 ? 'error' : 'errors'}`]);
    if (trace.runningCount > 0) stats.push(['running', `${trace.runningCount} running`]);
    if (trace.cutOffCount > 0) stats.push(['cut_off', `${trace.cutOffCount} cut off`]);
    stats.push(['duration', durationMs !== undefined ? formatDuration(durationMs) : `${formatDuration((this.window.endUs - trace.startUs) / 1000)} so far`]);
    stats.push(['start', formatLocalDateTime(trace.startUs)]);
    if (trace.services.length > 0) stats.push(['services', trace.services.join(', ')]);
    const version = serviceVersionOf(root?.resource);
    const environment = environmentOf(root?.resource);
    if (version !== undefined) stats.push(['version', version]);
    if (environment !== undefined) stats.push(['environment', environment]);
    this.title.textContent = root?.name ?? this.traceId;
    document.title = `${root?.name ?? this.traceId} · aitrace`;
    replaceChildren(this.stats, ...stats.map(([kind, text]) => h('li', { className: `stat stat-${kind}`, text })));
    this.nextErrorButton.disabled = trace.errorCount === 0;
  }

  private renderAxis(): void {
    const span = this.window.endUs - this.window.startUs;
    replaceChildren(
      this.axis,
      ...axisTicks(this.window, AXIS_INTERVALS).map((offset, i) => {
        const tick = h('span', { className: `tick${i === AXIS_INTERVALS ? ' tick-last' : ''}`, text: i === 0 ? '0' : formatDuration(offset / 1000) });
        tick.style.left = `${(offset / span) * 100}%`;
        return tick;
      }),
    );
  }

  private selectedNode(): SpanNode | undefined {
    return this.selected === undefined ? undefined : this.index?.byId.get(this.selected);
  }

  private renderDetail(): void {
    this.detail.hidden = !this.detailOpen;
    if (!this.detailOpen || this.trace === undefined) return;
    const node = this.selectedNode();
    const close = h('button', { className: 'close', attrs: { type: 'button', 'aria-label': 'Close the details (Esc)' }, text: '×', title: 'Close (Esc)' });
    close.addEventListener('click', () => this.closeDetail());
    const scrollTop = this.detail.scrollTop;
    replaceChildren(this.detail, close, node !== undefined ? spanDetail(node, { traceStartUs: this.trace.startUs, nowUs: this.nowUs }) : traceDetail(this.trace));
    this.detail.scrollTop = scrollTop;
  }

  private closeDetail(): void {
    this.detailOpen = false;
    this.renderDetail();
    this.focus();
  }

  private createRow(): HTMLElement {
    const toggle = h('span', { className: 'toggle' });
    const icon = h('span', { className: 'state-icon' });
    const label = h('span', { className: 'span-label' });
    const badge = h('span', { className: 'span-badge' });
    const name = h('div', { className: 'span-name' }, toggle, icon, label, badge);
    const bar = h('div', { className: 'span-bar' });
    const duration = h('span', { className: 'span-duration' });
    const row = h('div', { className: 'span-row', attrs: { role: 'treeitem' } }, name, h('div', { className: 'span-timeline' }, bar, duration));
    this.parts.set(row, { name, toggle, icon, label, badge, bar, duration });
    return row;
  }

  private updateRow(row: HTMLElement, item: VisibleRow, index: number): void {
    const parts = this.parts.get(row)!;
    const { node } = item;
    const selected = node.spanId === this.selected;
    row.className = `span-row state-${node.state}${selected ? ' selected' : ''}`;
    row.id = `span-row-${index}`;
    row.dataset.spanId = node.spanId;
    row.setAttribute('aria-level', String(item.depth + 1));
    row.setAttribute('aria-selected', String(selected));
    if (item.expandable) row.setAttribute('aria-expanded', String(item.expanded));
    else row.removeAttribute('aria-expanded');
    parts.name.style.paddingLeft = `${4 + item.depth * INDENT_PX}px`;
    parts.toggle.textContent = item.expandable ? (item.expanded ? '▾' : '▸') : '';
    parts.icon.textContent = STATE_ICON[node.state];
    parts.icon.title = STATE_LABEL[node.state];
    parts.label.textContent = node.name;
    const hiddenErrors = item.expandable && !item.expanded ? (this.index?.errorsBelow.get(node.spanId) ?? 0) : 0;
    const kind = node.kind !== undefined && node.kind !== 'internal' ? `[${node.kind}]` : '';
    const service = node.parentSpanId === undefined ? (node.service ?? '') : '';
    parts.badge.textContent = hiddenErrors > 0 ? `${hiddenErrors} ✗ inside` : [kind, service].filter((text) => text !== '').join(' ');
    parts.badge.className = `span-badge${hiddenErrors > 0 ? ' has-errors' : ''}`;
    const geometry = barGeometry(node, this.window, this.nowUs);
    parts.bar.style.left = `${geometry.leftPct}%`;
    parts.bar.style.width = `${geometry.widthPct}%`;
    const endUs = barEndUs(node, this.window, this.nowUs);
    const text =
      node.state === 'running'
        ? `running ${formatDuration((endUs - node.startUs) / 1000)}`
        : node.state === 'cut_off'
          ? 'cut off'
          : formatDuration(node.durationMs ?? 0);
    parts.duration.textContent = text;
    const end = geometry.leftPct + geometry.widthPct;
    // The label sits right of the bar, else left of it, else (a bar across the whole width) inside its right end.
    const inside = end >= 80 && geometry.leftPct < 20;
    parts.duration.className = `span-duration${inside ? ' inside' : ''}`;
    if (end < 80) {
      parts.duration.style.left = `calc(${end}% + 4px)`;
      parts.duration.style.right = '';
    } else {
      parts.duration.style.left = '';
      parts.duration.style.right = inside ? `calc(${100 - end}% + 4px)` : `calc(${100 - geometry.leftPct}% + 4px)`;
    }
  }

  private rowIndexOf(target: EventTarget | null): number | undefined {
    const row = target instanceof Element ? target.closest<HTMLElement>('.span-row') : null;
    return row?.dataset.index === undefined ? undefined : Number(row.dataset.index);
  }

  private onClick(event: MouseEvent): void {
    const index = this.rowIndexOf(event.target);
    if (index === undefined) return;
    if (event.target instanceof Element && event.target.closest('.toggle') !== null) {
      this.toggle(index);
      return;
    }
    this.detailOpen = true;
    this.select(index);
  }

  private select(index: number): void {
    if (this.shown.length === 0) return;
    const clamped = Math.min(Math.max(index, 0), this.shown.length - 1);
    this.selected = this.shown[clamped]!.node.spanId;
    this.rows.scrollToIndex(clamped);
    this.renderDetail();
    this.syncActiveDescendant();
    history.replaceState(null, '', routeHash({ view: 'trace', traceId: this.traceId, spanId: this.selected }));
  }

  private syncActiveDescendant(): void {
    const index = this.selected === undefined ? undefined : this.rowOf.get(this.selected);
    if (index === undefined) this.viewport.removeAttribute('aria-activedescendant');
    else this.viewport.setAttribute('aria-activedescendant', `span-row-${index}`);
  }

  private toggle(index: number): void {
    const row = this.shown[index];
    if (row === undefined || !row.expandable) return;
    if (row.expanded) this.collapsed.add(row.node.spanId);
    else this.collapsed.delete(row.node.spanId);
    this.renderAll();
  }

  private expandAll(expand: boolean): void {
    this.collapsed.clear();
    if (!expand) for (const node of this.index?.order ?? []) if (node.children.length > 0) this.collapsed.add(node.spanId);
    // A selected span hidden by collapsing moves the selection to its visible ancestor.
    if (this.selected !== undefined && this.index !== undefined && !expand) {
      const chain = ancestorsOf(this.index, this.selected);
      if (chain.length > 0) this.selected = chain[0]!.spanId;
    }
    this.renderAll();
  }

  private nextError(direction: 1 | -1): void {
    const order = this.index?.order ?? [];
    if (order.length === 0) return;
    const current = this.selected === undefined ? -1 : order.findIndex((node) => node.spanId === this.selected);
    for (let step = 1; step <= order.length; step++) {
      const i = (((current + direction * step) % order.length) + order.length) % order.length;
      if (order[i]!.state === 'error') {
        this.wanted = order[i]!.spanId;
        this.detailOpen = true;
        this.applyWanted();
        history.replaceState(null, '', routeHash({ view: 'trace', traceId: this.traceId, spanId: order[i]!.spanId }));
        return;
      }
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select') !== null) return;
    const current = this.selected === undefined ? -1 : (this.rowOf.get(this.selected) ?? -1);
    const row = current >= 0 ? this.shown[current] : undefined;
    const inTree = target === this.viewport || this.viewport.contains(target);
    // Outside the tree (the detail panel, buttons) keys keep their usual meaning, except these.
    if (!inTree && event.key !== 'Escape' && event.key !== 'e' && event.key !== 'E') return;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        this.select(current + 1);
        break;
      case 'ArrowUp':
        this.select(current <= 0 ? 0 : current - 1);
        break;
      case 'PageDown':
        this.select(current + this.rows.pageSize());
        break;
      case 'PageUp':
        this.select(current - this.rows.pageSize());
        break;
      case 'Home':
        this.select(0);
        break;
      case 'End':
        this.select(this.shown.length - 1);
        break;
      case 'ArrowRight':
        if (row?.expandable === true && !row.expanded) this.toggle(current);
        else if (row?.expanded === true) this.select(current + 1);
        break;
      case 'ArrowLeft':
        if (row?.expanded === true) this.toggle(current);
        else if (row?.node.parentSpanId !== undefined) {
          const parent = this.rowOf.get(row.node.parentSpanId);
          if (parent !== undefined) this.select(parent);
        }
        break;
      case 'Enter':
        this.detailOpen = true;
        if (current < 0) this.select(0);
        else this.renderDetail();
        break;
      case ' ':
        if (row !== undefined) this.toggle(current);
        break;
      case 'Escape':
        if (this.detailOpen) this.closeDetail();
        else this.context.backToList();
        break;
      case 'e':
        this.nextError(1);
        break;
      case 'E':
        this.nextError(-1);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }
}
