import type { TraceTree } from '@aitrace/forest';
import { alignTraces, type AlignedRow, type TraceAlignment } from '../model/alignTraces.js';
import { formatDelta } from '../model/formatDelta.js';
import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { routeHash } from '../model/route.js';
import { indexTrace } from '../model/spanIndex.js';
import { spanStatusView } from '../model/spanStates.js';
import { barGeometry, durationLabelPlacement, type TimeWindow } from '../model/timeline.js';
import { h, replaceChildren } from './dom.js';
import { TraceLoader } from './TraceLoader.js';
import type { View, ViewContext } from './ViewContext.js';
import { VirtualRows } from './VirtualRows.js';

const ROW_HEIGHT = 26;
const INDENT_PX = 16;
const CHANGE_MARK = { same: '', added: '+', missing: '−' } as const;
const CHANGE_TITLE = { same: 'in both traces', added: 'only in B (added)', missing: 'only in A (missing in B)' } as const;

interface CompareParts {
  name: HTMLElement;
  mark: HTMLElement;
  label: HTMLElement;
  cells: [HTMLElement, HTMLElement];
  bars: [HTMLElement, HTMLElement];
  durations: [HTMLElement, HTMLElement];
  delta: HTMLElement;
}

function durationMs(trace: TraceTree): number | undefined {
  return trace.ended && trace.endUs !== undefined ? (trace.endUs - trace.startUs) / 1000 : undefined;
}

/**
 * Two traces side by side (for example a fast and a slow run of one endpoint), aligned span by span by name and
 * path (model/alignTraces.ts): each side's bars on one time scale, the duration difference per span, spans added
 * in B or missing from it marked.
 */
export class CompareView implements View {
  readonly element: HTMLElement;
  private readonly loaders: [TraceLoader, TraceLoader];
  private readonly traces: [TraceTree | undefined, TraceTree | undefined] = [undefined, undefined];
  private readonly cards = h('div', { className: 'compare-cards' });
  private readonly summary = h('p', { className: 'compare-summary' });
  private readonly notice = h('p', { className: 'notice', attrs: { role: 'status' } });
  private readonly viewport = h('div', {
    className: 'compare-viewport span-viewport',
    attrs: { tabindex: '0', role: 'table', 'aria-label': 'Spans of both traces' },
  });
  private readonly rows: VirtualRows<AlignedRow>;
  private readonly parts = new WeakMap<HTMLElement, CompareParts>();
  private alignment: TraceAlignment | undefined;
  private windows: [TimeWindow, TimeWindow] = [
    { startUs: 0, endUs: 1 },
    { startUs: 0, endUs: 1 },
  ];

  constructor(
    context: ViewContext,
    readonly traceIds: [string, string],
  ) {
    const back = h('a', { className: 'back', attrs: { href: '#/' }, text: '← Traces' });
    back.addEventListener('click', (event) => {
      event.preventDefault();
      context.backToList();
    });
    this.rows = new VirtualRows(this.viewport, ROW_HEIGHT, { create: () => this.createRow(), update: (row, item) => this.updateRow(row, item) });
    const columns = h(
      'div',
      { className: 'compare-columns' },
      h('div', { className: 'col-name', text: 'Span' }),
      h('div', { className: 'col-side', text: 'A' }),
      h('div', { className: 'col-side', text: 'B' }),
      h('div', { className: 'col-delta', text: 'B − A' }),
    );
    this.element = h(
      'section',
      { className: 'compare-view' },
      h(
        'div',
        { className: 'trace-header compare-header' },
        back,
        h('h1', { className: 'trace-title', text: 'Compare two traces' }),
        h('a', { className: 'compare-swap', attrs: { href: routeHash({ view: 'compare', traceIds: [traceIds[1], traceIds[0]] }) }, text: 'Swap A and B' }),
        this.cards,
        this.summary,
      ),
      this.notice,
      h('div', { className: 'compare-body' }, columns, this.viewport),
    );
    this.notice.textContent = 'Loading both traces…';
    document.title = 'Compare traces · aitrace';
    const problem = (side: 0 | 1) => (message: string) => {
      this.notice.textContent = `${side === 0 ? 'A' : 'B'}: ${message}`;
      this.notice.hidden = false;
    };
    this.loaders = [
      new TraceLoader(context, traceIds[0], { trace: (trace) => this.receive(0, trace), problem: problem(0) }),
      new TraceLoader(context, traceIds[1], { trace: (trace) => this.receive(1, trace), problem: problem(1) }),
    ];
  }

  /** Puts keyboard focus on the rows. */
  focus(): void {
    this.viewport.focus({ preventScroll: true });
  }

  destroy(): void {
    for (const loader of this.loaders) loader.stop();
  }

  private receive(side: 0 | 1, trace: TraceTree): void {
    this.traces[side] = trace;
    const [a, b] = this.traces;
    if (a === undefined || b === undefined) return;
    this.notice.hidden = true;
    this.alignment = alignTraces(a, b);
    // One time scale for both sides, so the longer trace's bars are longer.
    const lengthUs = Math.max(indexTrace(a).latestUs - a.startUs, indexTrace(b).latestUs - b.startUs, 1);
    this.windows = [
      { startUs: a.startUs, endUs: a.startUs + lengthUs },
      { startUs: b.startUs, endUs: b.startUs + lengthUs },
    ];
    this.renderHeader(a, b, this.alignment);
    this.rows.setItems(this.alignment.rows);
  }

  private renderHeader(a: TraceTree, b: TraceTree, alignment: TraceAlignment): void {
    const card = (label: string, trace: TraceTree): HTMLElement => {
      const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
      const duration = durationMs(trace);
      return h(
        'div',
        { className: `compare-card compare-card-${label.toLowerCase()}` },
        h('span', { className: 'compare-side', text: label }),
        h('a', { className: 'compare-root', attrs: { href: routeHash({ view: 'trace', traceId: trace.traceId }) }, text: root?.name ?? trace.traceId }),
        h('code', { className: 'trace-id', text: trace.traceId }),
        h('span', { className: 'compare-duration', text: duration !== undefined ? formatDuration(duration) : 'not ended' }),
        h('span', {
          className: 'muted',
          text: `${trace.spanCount} spans${trace.errorCount > 0 ? `, ${trace.errorCount} errors` : ''} · ${formatLocalDateTime(trace.startUs)}`,
        }),
      );
    };
    replaceChildren(this.cards, card('A', a), card('B', b));
    const { same, added, missing, deltaMs } = alignment.summary;
    const parts = [`${same} in both`, `${added} added in B`, `${missing} missing from B`];
    if (deltaMs !== undefined) parts.unshift(`B took ${formatDelta(deltaMs, durationMs(a))}`);
    this.summary.textContent = parts.join(' · ');
  }

  private createRow(): HTMLElement {
    const mark = h('span', { className: 'change-mark' });
    const label = h('span', { className: 'span-label' });
    const name = h('div', { className: 'span-name' }, mark, label);
    const side = (): [HTMLElement, HTMLElement, HTMLElement] => {
      const bar = h('div', { className: 'span-bar' });
      const duration = h('a', { className: 'span-duration' });
      return [h('div', { className: 'compare-side-cell span-timeline' }, bar, duration), bar, duration];
    };
    const [cellA, barA, durationA] = side();
    const [cellB, barB, durationB] = side();
    const delta = h('div', { className: 'compare-delta mono' });
    const row = h('div', { className: 'compare-row', attrs: { role: 'row' } }, name, cellA, cellB, delta);
    this.parts.set(row, { name, mark, label, cells: [cellA, cellB], bars: [barA, barB], durations: [durationA, durationB], delta });
    return row;
  }

  private updateRow(row: HTMLElement, item: AlignedRow): void {
    const parts = this.parts.get(row)!;
    row.className = `compare-row change-${item.change}${item.deltaMs !== undefined && item.deltaMs > 0 ? ' slower' : item.deltaMs !== undefined && item.deltaMs < 0 ? ' faster' : ''}`;
    row.dataset.path = item.path;
    row.title = CHANGE_TITLE[item.change];
    parts.name.style.paddingLeft = `${4 + item.depth * INDENT_PX}px`;
    parts.mark.textContent = CHANGE_MARK[item.change];
    parts.label.textContent = item.name;
    [item.a, item.b].forEach((node, i) => {
      const cell = parts.cells[i]!;
      const bar = parts.bars[i]!;
      const duration = parts.durations[i]!;
      if (node === undefined) {
        cell.className = 'compare-side-cell span-timeline absent';
        bar.hidden = true;
        duration.textContent = '';
        duration.removeAttribute('href');
        return;
      }
      cell.className = `compare-side-cell span-timeline state-${node.state} status-${spanStatusView(node).kind}`;
      const geometry = barGeometry(node, this.windows[i]!, undefined);
      bar.hidden = false;
      bar.style.left = `${geometry.leftPct}%`;
      bar.style.width = `${geometry.widthPct}%`;
      duration.textContent = node.state === 'running' ? 'running' : node.state === 'cut_off' ? 'cut off' : formatDuration(node.durationMs ?? 0);
      duration.setAttribute('href', routeHash({ view: 'trace', traceId: node.traceId, spanId: node.spanId }));
      duration.title = `Open this span in trace ${i === 0 ? 'A' : 'B'}`;
      const placement = durationLabelPlacement(geometry);
      duration.className = `span-duration${placement.inside ? ' inside' : ''}`;
      duration.style.left = placement.left;
      duration.style.right = placement.right;
    });
    parts.delta.textContent =
      item.change === 'added'
        ? 'added'
        : item.change === 'missing'
          ? 'missing'
          : item.deltaMs !== undefined
            ? formatDelta(item.deltaMs, item.a?.durationMs)
            : '';
  }
}
