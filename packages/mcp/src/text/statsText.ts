import { terminalSafe } from '@aitrace/format';
import { ellipsize } from './ellipsize.js';
import type { ModelRow } from './modelStats.js';
import { formatDuration } from './renderTree.js';
import { NameStats, type SpanNameTable } from './SpanNameTable.js';
import type { Style } from './style.js';

/** The span column's widest; longer names end in "…" so one long name does not widen every row. */
const NAME_WIDTH = 60;

/** One row of the table, as --json prints it. */
export interface StatsRow {
  count: number;
  errors: number;
  unfinished: number;
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

/** A name's figures as a row. */
export function statsRow(stats: NameStats): StatsRow {
  const percentiles = stats.percentiles();
  return {
    count: stats.count,
    errors: stats.errors,
    unfinished: stats.open,
    p50_ms: percentiles?.p50 ?? null,
    p95_ms: percentiles?.p95 ?? null,
    max_ms: stats.count > 0 ? stats.max : null,
  };
}

/** A duration column: `-` when no span of the name has ended. */
function durationCell(ms: number | null): string {
  return (ms === null ? '-' : formatDuration(ms)).padStart(9);
}

/** What `aitrace stats --json` prints (without the problem count) and the MCP statistics tool answers. */
export interface StatsResult {
  spans: (StatsRow & { name: string })[];
  other: (StatsRow & { names: number | null }) | null;
  models: ModelRow[];
  slowest_traces: { trace_id: string; root: string; duration_ms: number }[];
}

/** The most frequent names' rows (`shown` of them) and one row summing the others, null when there are none. */
export function nameRows(table: SpanNameTable, shown: number): Pick<StatsResult, 'spans' | 'other'> {
  const ranked = [...table.names()].sort(([nameA, a], [nameB, b]) => b.count - a.count || nameA.localeCompare(nameB));
  const other = new NameStats();
  other.merge(table.other);
  for (let index = shown; index < ranked.length; index++) other.merge(ranked[index]![1]);
  // Without evictions every name not listed is one of the tracked ones, so they can be counted.
  const otherNames = table.evictions === 0 ? Math.max(0, ranked.length - shown) : null;
  const spans = ranked.slice(0, shown).map(([name, stats]) => ({ name, ...statsRow(stats) }));
  const otherRow: StatsResult['other'] = other.count > 0 || other.open > 0 ? { names: otherNames, ...statsRow(other) } : null;
  return { spans, other: otherRow };
}

/** The stats as text: the span name table, the model table, the slowest traces. */
export function statsLines(result: StatsResult, style: Style): string[] {
  const { spans: rows, other: otherRow, models: modelRows, slowest_traces: slowest } = result;
  const cells: { label: string; row: StatsRow }[] = rows.map((row) => ({ label: ellipsize(terminalSafe(row.name), NAME_WIDTH), row }));
  if (otherRow !== null) cells.push({ label: otherRow.names === null ? '(other names)' : `(${otherRow.names} other names)`, row: otherRow });
  let width = 4;
  for (const { label } of cells) width = Math.max(width, label.length);
  const header = `${'span'.padEnd(width)}  ${'count'.padStart(7)}  ${'errors'.padStart(6)}  ${'open'.padStart(5)}  ${'p50'.padStart(9)}  ${'p95'.padStart(9)}  ${'max'.padStart(9)}`;
  const lines = [style.bold(header)];
  for (const { label, row } of cells) {
    const errors = String(row.errors).padStart(6);
    lines.push(
      `${label.padEnd(width)}  ${String(row.count).padStart(7)}  ${row.errors > 0 ? style.red(errors) : errors}  ${String(row.unfinished).padStart(5)}  ${durationCell(row.p50_ms)}  ${durationCell(row.p95_ms)}  ${durationCell(row.max_ms)}`,
    );
  }
  if (modelRows.length > 0) {
    const labels = modelRows.map((row) => ellipsize(terminalSafe(row.model), NAME_WIDTH));
    const modelWidth = Math.max(5, ...labels.map((label) => label.length));
    lines.push(
      '',
      style.bold(
        `${'model'.padEnd(modelWidth)}  ${'calls'.padStart(7)}  ${'errors'.padStart(6)}  ${'input tok'.padStart(11)}  ${'output tok'.padStart(11)}  ${'p50'.padStart(9)}  ${'p95'.padStart(9)}`,
      ),
    );
    modelRows.forEach((row, index) => {
      const errors = String(row.errors).padStart(6);
      lines.push(
        `${labels[index]!.padEnd(modelWidth)}  ${String(row.calls).padStart(7)}  ${row.errors > 0 ? style.red(errors) : errors}  ${row.input_tokens.toLocaleString('en-US').padStart(11)}  ${row.output_tokens.toLocaleString('en-US').padStart(11)}  ${durationCell(row.p50_ms)}  ${durationCell(row.p95_ms)}`,
      );
    });
  }
  if (slowest.length > 0) {
    lines.push('', style.bold('slowest traces'));
    for (const t of slowest)
      lines.push(`${formatDuration(t.duration_ms).padStart(9)}  ${terminalSafe(t.trace_id)}  ${ellipsize(terminalSafe(t.root), NAME_WIDTH)}`);
  }
  return lines;
}
