import { terminalJson, terminalSafe } from '@aitrace/format';
import { readTraceFile } from '@aitrace/forest/node';
import { integerOption, parseCommand } from '../args.js';
import { ellipsize } from '../ellipsize.js';
import { createProgress } from '../progress.js';
import { formatDuration } from '../renderTree.js';
import { NameStats, SAMPLE_SIZE, SpanNameTable } from '../SpanNameTable.js';
import { ModelTable, type ModelRow } from '../modelStats.js';
import { createStyle, type Style } from '../style.js';
import { reportProblems } from './tree.js';

const DEFAULT_NAMES = 50;
const MIN_TRACKED_NAMES = 1_000;
/** The span column's widest; longer names end in "…" so one long name does not widen every row. */
const NAME_WIDTH = 60;

export const STATS_HELP = `Usage: aitrace stats [options] FILE|-

Per span name: count, errors, open, p50 / p95 / max duration; then, for LLM
calls (GenAI or OpenInference attributes), per model: calls, errors, input and
output tokens, p50 / p95 latency; then the slowest traces. The most frequent names get a row each (--names); the others are summed
in one "other names" row. Spans that never ended count as open; a name with no
ended span shows "-" (null in --json) instead of durations.

Streams the file: memory grows with the spans open at one time, not with the
file's size or its number of span names. At most ${MIN_TRACKED_NAMES.toLocaleString('en-US')} names are tracked
(4 x --names if that is more); percentiles come from a uniform sample of up to
${SAMPLE_SIZE.toLocaleString('en-US')} durations per name. Count, errors and max are exact while the file
has no more names than are tracked; past that, the rarest tracked name makes
room for a new one and its spans move to the other row, so a row counts its
name's spans since it was last tracked (all rows still add up to every span).

Options:
  --names N     span names listed, most frequent first (default ${DEFAULT_NAMES})
  --top N       how many slowest traces to list (default 5)
  --json        print the result as JSON
  -h, --help    show this help

Exit codes: 0 printed, 1 the file cannot be read, 2 usage error.`;

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
  return { count: stats.count, errors: stats.errors, unfinished: stats.open, p50_ms: percentiles?.p50 ?? null, p95_ms: percentiles?.p95 ?? null, max_ms: stats.count > 0 ? stats.max : null };
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
    lines.push('', style.bold(`${'model'.padEnd(modelWidth)}  ${'calls'.padStart(7)}  ${'errors'.padStart(6)}  ${'input tok'.padStart(11)}  ${'output tok'.padStart(11)}  ${'p50'.padStart(9)}  ${'p95'.padStart(9)}`));
    modelRows.forEach((row, index) => {
      const errors = String(row.errors).padStart(6);
      lines.push(`${labels[index]!.padEnd(modelWidth)}  ${String(row.calls).padStart(7)}  ${row.errors > 0 ? style.red(errors) : errors}  ${row.input_tokens.toLocaleString('en-US').padStart(11)}  ${row.output_tokens.toLocaleString('en-US').padStart(11)}  ${durationCell(row.p50_ms)}  ${durationCell(row.p95_ms)}`);
    });
  }
  if (slowest.length > 0) {
    lines.push('', style.bold('slowest traces'));
    for (const t of slowest) lines.push(`${formatDuration(t.duration_ms).padStart(9)}  ${terminalSafe(t.trace_id)}  ${ellipsize(terminalSafe(t.root), NAME_WIDTH)}`);
  }
  return lines;
}

/** `aitrace stats`. */
export async function statsCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      names: { type: 'string' },
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
  const shown = integerOption(values.names, 'names') ?? DEFAULT_NAMES;
  const table = new SpanNameTable(Math.max(MIN_TRACKED_NAMES, shown * 4));
  const open = new Map<string, string>();
  const models = new ModelTable();
  const slowest: { traceId: string; name: string; durationMs: number }[] = [];
  let problems = 0;
  const progress = createProgress(file, 'reading');
  for await (const batch of readTraceFile(file, { onProgress: (bytes) => progress.update(bytes) })) {
    if (batch.problems.length > 0) {
      // Reported as they come, so a file full of bad lines costs no memory.
      progress.done();
      reportProblems(file, batch.problems);
      problems += batch.problems.length;
    }
    for (const { record } of batch.records) {
      if (record.type !== 'span_start' && record.type !== 'span_end') continue;
      const key = `${record.traceId}/${record.spanId}`;
      const name = record.name ?? record.event;
      const stats = table.touch(name);
      if (record.type === 'span_start') {
        open.set(key, name);
        continue;
      }
      open.delete(key);
      const duration = record.durationMs ?? 0;
      stats.add(duration, record.status === 'error');
      models.add(record.attrs, duration, record.status === 'error');
      if (record.parentSpanId === undefined && record.traceId !== undefined) {
        slowest.push({ traceId: record.traceId, name, durationMs: duration });
        slowest.sort((a, b) => b.durationMs - a.durationMs);
        if (slowest.length > top) slowest.pop();
      }
    }
  }
  progress.done();
  for (const name of open.values()) (table.get(name) ?? table.other).open++;

  const { spans: rows, other: otherRow } = nameRows(table, shown);
  const modelRows = models.rows();
  const result: StatsResult = { spans: rows, other: otherRow, models: modelRows, slowest_traces: slowest.map((t) => ({ trace_id: t.traceId, root: t.name, duration_ms: t.durationMs })) };
  if (values.json) {
    console.log(terminalJson({ ...result, problems }, 2));
    return 0;
  }
  const lines = statsLines(result, createStyle(process.stdout));
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
