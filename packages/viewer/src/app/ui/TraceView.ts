import './traceView.css';
import { tokensBySpan, traceTokens, type SpanNode, type TokenTotals, type TraceTree } from '@aitrace/forest';
import { criticalPath } from '../model/criticalPath.js';
import { routeHash } from '../model/route.js';
import { ancestorsOf, indexTrace, type SpanIndex } from '../model/spanIndex.js';
import { barEndUs, timeWindow, type TimeWindow } from '../model/timeline.js';
import { traceKeyAction, type TraceKeyAction } from '../model/traceKeys.js';
import { visibleRows, type VisibleRow } from '../model/visibleRows.js';
import { DetailPane } from './DetailPane.js';
import { h } from './dom.js';
import { SpanRows } from './SpanRows.js';
import { TimeAxis } from './TimeAxis.js';
import { TraceHeader } from './TraceHeader.js';
import { TraceLoader } from './TraceLoader.js';
import type { View, ViewContext } from './ViewContext.js';

/**
 * One trace: a collapsible span tree beside its waterfall, a detail panel, keyboard navigation, and live updates
 * while spans are running. This class holds the view's state (selection, folding, detail open) and wires the parts:
 * TraceLoader (data), TraceHeader (title and figures), TimeAxis, SpanRows (tree and waterfall), DetailPane, and
 * the key map in model/traceKeys.ts.
 */
export class TraceView implements View {
  readonly element: HTMLElement;
  private readonly loader: TraceLoader;
  private readonly header: TraceHeader;
  private readonly axis = new TimeAxis();
  private readonly rows: SpanRows;
  private readonly detail: DetailPane;
  private readonly notice = h('p', { className: 'notice', attrs: { role: 'status' } });
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
  private tick: ReturnType<typeof setInterval> | undefined;
  private tokens = new Map<SpanNode, TokenTotals>();
  private traceTotals: TokenTotals | undefined;
  private showCritical = false;
  private critical: Set<string> | undefined;

  constructor(
    private readonly context: ViewContext,
    readonly traceId: string,
    spanId: string | undefined,
  ) {
    this.wanted = spanId;
    this.detailOpen = spanId !== undefined;
    this.header = new TraceHeader(traceId, {
      back: () => context.backToList(),
      expandAll: (expand) => this.expandAll(expand),
      nextError: () => this.nextError(1),
      criticalPath: () => this.toggleCriticalPath(),
      traceInfo: () => {
        this.selected = undefined;
        this.detailOpen = true;
        this.renderAll();
      },
    });
    this.rows = new SpanRows(
      () => ({
        selected: this.selected,
        index: this.index,
        window: this.window,
        nowUs: this.nowUs,
        tokens: this.tokens,
        critical: this.critical,
        traceStartUs: this.trace?.startUs ?? 0,
      }),
      {
        select: (index) => {
          this.detailOpen = true;
          this.select(index);
        },
        toggle: (index) => this.toggle(index),
        showRecord: (index, key) => {
          this.detailOpen = true;
          this.select(index);
          this.detail.focusRecord(key);
        },
      },
    );
    this.detail = new DetailPane(() => this.closeDetail());
    const timelineHead = h('div', { className: 'span-columns' }, h('div', { className: 'col-name', text: 'Span' }), this.axis.element);
    this.element = h(
      'section',
      { className: 'trace-view' },
      this.header.element,
      this.notice,
      h('div', { className: 'trace-body' }, h('div', { className: 'span-pane' }, timelineHead, this.rows.viewport), this.detail.element),
    );
    this.notice.textContent = 'Loading the trace…';
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.loader = new TraceLoader(context, traceId, {
      trace: (trace, loading) => this.show(trace, loading),
      problem: (message) => {
        this.notice.textContent = message;
        this.notice.hidden = false;
      },
    });
  }

  /** Puts keyboard focus on the span tree. */
  focus(): void {
    this.rows.viewport.focus({ preventScroll: true });
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
    this.loader.stop();
    clearInterval(this.tick);
  }

  private show(trace: TraceTree, loading: boolean): void {
    this.trace = trace;
    this.index = indexTrace(trace);
    this.tokens = tokensBySpan(trace.roots);
    this.traceTotals = traceTokens(trace, this.tokens);
    // A big trace is drawn while the rest of it arrives: say so, with how much is here.
    this.notice.textContent = loading ? `Loading the rest of the trace… ${trace.spanCount.toLocaleString('en')} spans so far.` : '';
    this.notice.hidden = !loading;
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
    this.critical = this.showCritical ? criticalPath(this.trace.roots, (node) => barEndUs(node, this.window, this.nowUs)) : undefined;
    this.shown = visibleRows(this.trace.roots, this.collapsed);
    this.rowOf = new Map();
    this.shown.forEach((row, i) => this.rowOf.set(row.node.spanId, i));
    this.rows.setRows(this.shown);
    this.header.render(this.trace, this.window.endUs, this.traceTotals);
    this.axis.render(this.window);
    this.renderDetail();
    this.syncActiveRow();
  }

  /** Running spans grow with the clock, without rebuilding anything. */
  private renderTime(): void {
    if (this.trace === undefined) return;
    this.updateWindow();
    this.rows.refresh();
    this.axis.render(this.window);
    this.header.render(this.trace, this.window.endUs, this.traceTotals);
    if (this.selectedNode()?.state === 'running') this.renderDetail();
  }

  private toggleCriticalPath(): void {
    this.showCritical = !this.showCritical;
    this.header.setCriticalPath(this.showCritical);
    this.renderAll();
  }

  private selectedNode(): SpanNode | undefined {
    return this.selected === undefined ? undefined : this.index?.byId.get(this.selected);
  }

  private renderDetail(): void {
    this.detail.render(this.detailOpen, this.trace, this.selectedNode(), this.nowUs, this.tokens);
  }

  private closeDetail(): void {
    this.detailOpen = false;
    this.renderDetail();
    this.focus();
  }

  private select(index: number): void {
    if (this.shown.length === 0) return;
    const clamped = Math.min(Math.max(index, 0), this.shown.length - 1);
    this.selected = this.shown[clamped]!.node.spanId;
    this.rows.scrollToIndex(clamped);
    this.renderDetail();
    this.syncActiveRow();
    history.replaceState(null, '', routeHash({ view: 'trace', traceId: this.traceId, spanId: this.selected }));
  }

  private syncActiveRow(): void {
    this.rows.setActiveRow(this.selected === undefined ? undefined : this.rowOf.get(this.selected));
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
    const target = event.target as HTMLElement;
    const action = traceKeyAction({
      key: event.key,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      inTree: target === this.rows.viewport || this.rows.viewport.contains(target),
      inTextField: target.closest('input, textarea, select') !== null,
    });
    if (action === undefined) return;
    event.preventDefault();
    this.run(action);
  }

  private run(action: TraceKeyAction): void {
    const current = this.selected === undefined ? -1 : (this.rowOf.get(this.selected) ?? -1);
    const row = current >= 0 ? this.shown[current] : undefined;
    switch (action) {
      case 'next':
        return this.select(current + 1);
      case 'previous':
        return this.select(current <= 0 ? 0 : current - 1);
      case 'pageDown':
        return this.select(current + this.rows.pageSize());
      case 'pageUp':
        return this.select(current - this.rows.pageSize());
      case 'first':
        return this.select(0);
      case 'last':
        return this.select(this.shown.length - 1);
      case 'expandOrNext':
        if (row?.expandable === true && !row.expanded) this.toggle(current);
        else if (row?.expanded === true) this.select(current + 1);
        return;
      case 'collapseOrParent':
        if (row?.expanded === true) this.toggle(current);
        else if (row?.node.parentSpanId !== undefined) {
          const parent = this.rowOf.get(row.node.parentSpanId);
          if (parent !== undefined) this.select(parent);
        }
        return;
      case 'openDetail':
        this.detailOpen = true;
        if (current < 0) this.select(0);
        else this.renderDetail();
        return;
      case 'toggle':
        if (row !== undefined) this.toggle(current);
        return;
      case 'closeOrBack':
        if (this.detailOpen) this.closeDetail();
        else this.context.backToList();
        return;
      case 'nextError':
        return this.nextError(1);
      case 'previousError':
        return this.nextError(-1);
      case 'criticalPath':
        return this.toggleCriticalPath();
    }
  }
}
