import { terminalJson } from '@aitrace/format';
import { readTraceFile } from '@aitrace/forest/node';
import { integerOption, parseCommand } from '../args.js';
import { createStyle, ModelTable, nameRows, SAMPLE_SIZE, SpanNameTable, statsLines, type StatsResult } from '@aitrace/mcp';
import { createProgress } from '../progress.js';
import { reportProblems } from './tree.js';

const DEFAULT_NAMES = 50;
const MIN_TRACKED_NAMES = 1_000;

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
  const result: StatsResult = {
    spans: rows,
    other: otherRow,
    models: modelRows,
    slowest_traces: slowest.map((t) => ({ trace_id: t.traceId, root: t.name, duration_ms: t.durationMs })),
  };
  if (values.json) {
    console.log(terminalJson({ ...result, problems }, 2));
    return 0;
  }
  const lines = statsLines(result, createStyle(process.stdout));
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
