import type { SpanNode, TokenTotals, TraceTree } from '@aitrace/forest';
import { h, replaceChildren } from './dom.js';
import { spanDetail, traceDetail } from './SpanDetail.js';

/** The panel beside the waterfall: the selected span's details, or the trace's facts when no span is selected. */
export class DetailPane {
  /** The panel element. */
  readonly element = h('aside', { className: 'detail-pane', attrs: { 'aria-label': 'Span details', tabindex: '-1' } });

  constructor(private readonly onClose: () => void) {
    this.element.hidden = true;
  }

  /** Shows or hides the panel; when shown, draws the span (or the trace) keeping the scroll position. `tokens` is tokensBySpan of the trace. */
  render(open: boolean, trace: TraceTree | undefined, node: SpanNode | undefined, nowUs: number | undefined, tokens: ReadonlyMap<SpanNode, TokenTotals>): void {
    this.element.hidden = !open;
    if (!open || trace === undefined) return;
    const close = h('button', { className: 'close', attrs: { type: 'button', 'aria-label': 'Close the details (Esc)' }, text: '×', title: 'Close (Esc)' });
    close.addEventListener('click', () => this.onClose());
    const scrollTop = this.element.scrollTop;
    replaceChildren(this.element, close, node !== undefined ? spanDetail(node, { traceStartUs: trace.startUs, nowUs, tokens }) : traceDetail(trace, tokens));
    this.element.scrollTop = scrollTop;
  }

  /** Scrolls to one span event or log of the span shown (by its key, `events:3`) and marks it. */
  focusRecord(key: string): void {
    for (const entry of this.element.querySelectorAll('.record.focused')) entry.classList.remove('focused');
    const entry = [...this.element.querySelectorAll<HTMLElement>('.record[data-record]')].find((element) => element.dataset.record === key);
    if (entry === undefined) return;
    entry.classList.add('focused');
    entry.scrollIntoView({ block: 'nearest' });
  }
}
