import type { SpanNode } from '@aitrace/forest';

/** The stretch of time the waterfall shows, µs since the epoch. */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

/** Where a span's bar sits in the waterfall, in percent of its width. */
export interface BarGeometry {
  leftPct: number;
  widthPct: number;
}

/**
 * The waterfall's window: from the trace start to the latest time it mentions, or to now while spans are still
 * running (so running bars grow). Never empty, so a trace of one instant still draws.
 */
export function timeWindow(startUs: number, latestUs: number, runningNowUs: number | undefined): TimeWindow {
  const endUs = Math.max(latestUs, runningNowUs ?? latestUs, startUs + 1);
  return { startUs, endUs };
}

/** The end a span's bar is drawn to: its end, now while running, or the window end when it was cut off. */
export function barEndUs(node: SpanNode, window: TimeWindow, nowUs: number | undefined): number {
  if (node.endUs !== undefined) return node.endUs;
  if (node.state === 'running' && nowUs !== undefined) return Math.min(Math.max(nowUs, node.startUs), window.endUs);
  return window.endUs;
}

/** The bar of a span within the window, clamped to it. */
export function barGeometry(node: SpanNode, window: TimeWindow, nowUs: number | undefined): BarGeometry {
  const span = window.endUs - window.startUs;
  const start = Math.min(Math.max(node.startUs, window.startUs), window.endUs);
  const end = Math.min(Math.max(barEndUs(node, window, nowUs), start), window.endUs);
  return { leftPct: ((start - window.startUs) / span) * 100, widthPct: ((end - start) / span) * 100 };
}

/** Evenly spaced tick offsets for the time axis (µs from the window start), `count` intervals. */
export function axisTicks(window: TimeWindow, count: number): number[] {
  const span = window.endUs - window.startUs;
  return Array.from({ length: count + 1 }, (_, i) => (span * i) / count);
}

/** Where a bar's duration label goes: CSS `left`/`right` values (one is empty) and whether it sits inside the bar. */
export interface LabelPlacement {
  left: string;
  right: string;
  inside: boolean;
}

/** The label sits right of the bar, else left of it, else (a bar across the whole width) inside its right end. */
export function durationLabelPlacement(geometry: BarGeometry): LabelPlacement {
  const end = geometry.leftPct + geometry.widthPct;
  if (end < 80) return { left: `calc(${end}% + 4px)`, right: '', inside: false };
  const inside = geometry.leftPct < 20;
  return { left: '', right: inside ? `calc(${100 - end}% + 4px)` : `calc(${100 - geometry.leftPct}% + 4px)`, inside };
}
