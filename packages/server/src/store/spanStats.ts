import type { SpanStats } from './TraceStore.js';

/** One span as statistics see it. */
export interface SpanSample {
  name: string;
  status: string | null;
  running: boolean;
  durationMs: number | null;
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

/** Groups spans by name into statistics, most frequent name first. */
export function spanStats(samples: Iterable<SpanSample>): SpanStats[] {
  const groups = new Map<string, { count: number; errors: number; running: number; durations: number[] }>();
  for (const sample of samples) {
    let group = groups.get(sample.name);
    if (group === undefined) groups.set(sample.name, (group = { count: 0, errors: 0, running: 0, durations: [] }));
    group.count++;
    if (sample.status === 'error') group.errors++;
    if (sample.running) group.running++;
    else if (sample.durationMs !== null) group.durations.push(sample.durationMs);
  }
  const stats: SpanStats[] = [];
  for (const [name, group] of groups) {
    const sorted = group.durations.sort((a, b) => a - b);
    stats.push({
      name,
      count: group.count,
      errors: group.errors,
      running: group.running,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.length === 0 ? null : (sorted[sorted.length - 1] ?? null),
    });
  }
  return stats.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
