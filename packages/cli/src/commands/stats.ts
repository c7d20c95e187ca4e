import type { LineProblem } from '@aitrace/forest';
import { readTraceFile } from '@aitrace/forest/node';
import { integerOption, parseCommand } from '../args.js';
import { createProgress } from '../progress.js';
import { formatDuration } from '../renderTree.js';
import { createStyle } from '../style.js';
import { reportProblems } from './tree.js';

export const STATS_HELP = `Usage: aitrace stats [options] FILE|-

Per span name: count, errors, p50 / p95 / max duration; then the slowest
traces. Streams the file in bounded memory: percentiles come from a uniform
sample of up to 10,000 durations per span name (count, errors and max are exact).
Spans that never ended count as open; a name with no ended span shows "-"
(null in --json) instead of durations.

Options:
  --top N       how many slowest traces to list (default 5)
  --json        print the result as JSON
  -h, --help    show this help

Exit codes: 0 printed, 1 the file cannot be read, 2 usage error.`;

const SAMPLE = 10_000;

/** Durations of one span name: exact count/max, a reservoir sample for percentiles. */
class NameStats {
  count = 0;
  errors = 0;
  max = 0;
  running = 0;
  readonly sample: number[] = [];
  private seen = 0;

  add(duration: number, error: boolean): void {
    this.count++;
    if (error) this.errors++;
    this.max = Math.max(this.max, duration);
    this.seen++;
    if (this.sample.length < SAMPLE) this.sample.push(duration);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < SAMPLE) this.sample[slot] = duration;
    }
  }

  /** A nearest-rank percentile of the ended spans; null when none ended. */
  percentile(p: number): number | null {
    if (this.sample.length === 0) return null;
    const sorted = [...this.sample].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  }
}

/** A duration column: `-` when no span of the name has ended. */
function durationCell(ms: number | null): string {
  return (ms === null ? '-' : formatDuration(ms)).padStart(9);
}

/** `aitrace stats`. */
export async function statsCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      top: { type: 'string' },
      json: { type: 'boolean' },
    },
    help: STATS_HELP,
    positionals: 1,
    positionalsError: 'stats needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const top = integerOption(values.top, 'top') ?? 5;
  const byName = new Map<string, NameStats>();
  const open = new Map<string, string>();
  const slowest: { traceId: string; name: string; durationMs: number }[] = [];
  const problems: LineProblem[] = [];
  const progress = createProgress(file, 'reading');
  for await (const batch of readTraceFile(file, { onProgress: (bytes) => progress.update(bytes) })) {
    problems.push(...batch.problems);
    for (const { record } of batch.records) {
      const key = `${record.traceId}/${record.spanId}`;
      if (record.type === 'span_start') open.set(key, record.name ?? record.event);
      if (record.type !== 'span_end') continue;
      open.delete(key);
      const name = record.name ?? record.event;
      const stats = byName.get(name) ?? new NameStats();
      byName.set(name, stats);
      const duration = record.durationMs ?? 0;
      stats.add(duration, record.status === 'error');
      if (record.parentSpanId === undefined && record.traceId !== undefined) {
        slowest.push({ traceId: record.traceId, name, durationMs: duration });
        slowest.sort((a, b) => b.durationMs - a.durationMs);
        if (slowest.length > top) slowest.pop();
      }
    }
  }
  progress.done();
  reportProblems(file, problems);
  for (const name of open.values()) {
    const stats = byName.get(name) ?? new NameStats();
    byName.set(name, stats);
    stats.running++;
  }

  const rows = [...byName].map(([name, s]) => ({ name, count: s.count, errors: s.errors, unfinished: s.running, p50_ms: s.percentile(50), p95_ms: s.percentile(95), max_ms: s.count > 0 ? s.max : null }));
  rows.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  if (values.json) {
    console.log(JSON.stringify({ spans: rows, slowest_traces: slowest.map((t) => ({ trace_id: t.traceId, root: t.name, duration_ms: t.durationMs })), problems: problems.length }, null, 2));
    return 0;
  }
  const style = createStyle(process.stdout);
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  const header = `${'span'.padEnd(width)}  ${'count'.padStart(7)}  ${'errors'.padStart(6)}  ${'open'.padStart(5)}  ${'p50'.padStart(9)}  ${'p95'.padStart(9)}  ${'max'.padStart(9)}`;
  const lines = [style.bold(header)];
  for (const r of rows) {
    const errors = String(r.errors).padStart(6);
    lines.push(
      `${r.name.padEnd(width)}  ${String(r.count).padStart(7)}  ${r.errors > 0 ? style.red(errors) : errors}  ${String(r.unfinished).padStart(5)}  ${durationCell(r.p50_ms)}  ${durationCell(r.p95_ms)}  ${durationCell(r.max_ms)}`,
    );
  }
  if (slowest.length > 0) {
    lines.push('', style.bold('slowest traces'));
    for (const t of slowest) lines.push(`${formatDuration(t.durationMs).padStart(9)}  ${t.traceId}  ${t.name}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
