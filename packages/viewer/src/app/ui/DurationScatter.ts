import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { scatterLayout, type ScatterLayout } from '../model/scatterLayout.js';
import type { TraceListItem } from '../model/TraceListItem.js';
import { h } from './dom.js';

const HEIGHT = 150;
const INSET = 10;
// A press that moves less than this many pixels is a click, not a drag.
const DRAG_PX = 4;

/** Places an element of the plot (dots and the drag band are absolutely positioned in it). */
function place(element: HTMLElement, left: number, top: number, width?: number, height?: number): HTMLElement {
  element.style.left = `${left}px`;
  element.style.top = `${top}px`;
  if (width !== undefined) element.style.width = `${width}px`;
  if (height !== undefined) element.style.height = `${height}px`;
  return element;
}

/** What the scatter plot asks of the list around it. */
export interface ScatterActions {
  open(traceId: string): void;
  selectRange(fromUs: number, toUs: number): void;
}

/**
 * The duration scatter plot above the trace list: one dot per finished trace (start time on x, duration on y),
 * errors marked red; a click on a dot opens its trace, a drag across the plot selects that time range.
 */
export class DurationScatter {
  readonly element: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly caption = h('div', { className: 'scatter-caption muted' });
  private traces: readonly TraceListItem[] = [];
  private layout: ScatterLayout | undefined;
  private drag: { x: number; band: HTMLElement } | undefined;

  constructor(private readonly actions: ScatterActions) {
    this.plot = h('div', { className: 'scatter-plot', attrs: { role: 'group', 'aria-label': 'Trace durations over time' } });
    this.plot.style.height = `${HEIGHT}px`;
    this.element = h('figure', { className: 'scatter' }, this.plot, this.caption);
    this.plot.addEventListener('pointerdown', (event) => this.startDrag(event));
    this.plot.addEventListener('pointermove', (event) => this.moveDrag(event));
    this.plot.addEventListener('pointerup', (event) => this.endDrag(event));
    new ResizeObserver(() => this.render()).observe(this.element);
  }

  /** Plots these traces. */
  setTraces(traces: readonly TraceListItem[]): void {
    this.traces = traces;
    this.render();
  }

  private x(event: PointerEvent): number {
    return event.clientX - this.plot.getBoundingClientRect().left;
  }

  private startDrag(event: PointerEvent): void {
    if (event.button !== 0) return;
    const x = this.x(event);
    const band = place(h('div', { className: 'scatter-band' }), x, 0, 0, HEIGHT);
    this.plot.append(band);
    this.drag = { x, band };
    this.plot.setPointerCapture(event.pointerId);
  }

  private moveDrag(event: PointerEvent): void {
    if (this.drag === undefined) return;
    const x = this.x(event);
    place(this.drag.band, Math.min(x, this.drag.x), 0, Math.abs(x - this.drag.x));
  }

  private endDrag(event: PointerEvent): void {
    const drag = this.drag;
    if (drag === undefined) return;
    this.drag = undefined;
    drag.band.remove();
    const x = this.x(event);
    if (Math.abs(x - drag.x) >= DRAG_PX && this.layout !== undefined) {
      const [a, b] = [this.layout.timeAt(Math.min(x, drag.x)), this.layout.timeAt(Math.max(x, drag.x))];
      this.actions.selectRange(Math.floor(a), Math.ceil(b));
      return;
    }
    const target = document.elementFromPoint(event.clientX, event.clientY);
    const traceId = target instanceof HTMLElement ? target.dataset.traceId : undefined;
    if (traceId !== undefined) this.actions.open(traceId);
  }

  private render(): void {
    const width = this.plot.clientWidth || this.element.clientWidth;
    if (width === 0) return;
    const layout = scatterLayout(this.traces, width, HEIGHT, INSET);
    this.layout = layout;
    const children: HTMLElement[] = [place(h('div', { className: 'scatter-axis' }), INSET, HEIGHT - INSET, width - 2 * INSET)];
    for (const point of layout.points) {
      const title = `${point.trace.rootName ?? '(no span yet)'} · ${formatDuration(point.trace.durationMs!)}${point.error ? ` · ${point.trace.errorCount} ✗` : ''} · ${formatLocalDateTime(point.trace.startUs)}`;
      const dot = place(h('span', { className: `scatter-point${point.error ? ' scatter-error' : ''}`, title }), point.x, point.y);
      dot.dataset.traceId = point.traceId;
      children.push(dot);
    }
    this.plot.replaceChildren(...children);
    this.caption.textContent =
      layout.points.length === 0
        ? 'No finished traces to plot.'
        : `${layout.points.length} traces · duration up to ${formatDuration(layout.maxMs)} · ${formatLocalDateTime(layout.fromUs)} – ${formatLocalDateTime(layout.toUs)} · drag to pick a time range`;
  }
}
