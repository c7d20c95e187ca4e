import type { TraceListItem } from './TraceListItem.js';

/** One trace as a dot of the duration scatter plot, in plot pixels. */
export interface ScatterPoint {
  traceId: string;
  x: number;
  y: number;
  error: boolean;
  trace: TraceListItem;
}

/** Dots and scales of the duration scatter plot (time on x, duration on y). */
export interface ScatterLayout {
  points: ScatterPoint[];
  /** Time at the left and right edges, µs. */
  fromUs: number;
  toUs: number;
  /** Duration at the top edge, ms (the bottom is 0). */
  maxMs: number;
  /** The time at a plot x, µs. */
  timeAt(x: number): number;
}

/** Lays out the traces that have a duration in a `width` x `height` plot, `inset` pixels from each edge. */
export function scatterLayout(traces: readonly TraceListItem[], width: number, height: number, inset: number): ScatterLayout {
  const ended = traces.filter((trace) => trace.durationMs !== null);
  let fromUs = Math.min(...ended.map((trace) => trace.startUs));
  let toUs = Math.max(...ended.map((trace) => trace.startUs));
  if (ended.length === 0) fromUs = toUs = 0;
  if (toUs === fromUs) {
    fromUs -= 500_000;
    toUs += 500_000;
  }
  const maxMs = Math.max(1e-3, ...ended.map((trace) => trace.durationMs!)) * 1.05;
  const spanX = width - 2 * inset;
  const spanY = height - 2 * inset;
  const xOf = (us: number): number => inset + ((us - fromUs) / (toUs - fromUs)) * spanX;
  return {
    points: ended.map((trace) => ({
      traceId: trace.traceId,
      x: xOf(trace.startUs),
      y: inset + spanY - (trace.durationMs! / maxMs) * spanY,
      error: trace.errorCount > 0,
      trace,
    })),
    fromUs,
    toUs,
    maxMs,
    timeAt: (x) => fromUs + ((Math.min(Math.max(x, inset), width - inset) - inset) / spanX) * (toUs - fromUs),
  };
}
