import { ForestBuilder, isFiltering, pruneSpans, walkSpans, type LineProblem, type LineRecord, type SpanNode } from '@aitrace/forest';
import { followFile, readTraceFile } from '@aitrace/forest/node';
import { terminalJson, terminalSafe } from '@aitrace/format';
import { integerOption, parseCommand } from '../args.js';
import { createStyle, parseFilter, renderForest, spanLine } from '@aitrace/mcp';
import { filterForest, reportProblems } from './tree.js';

// Traces kept while following (and logs without a trace): the least recently changed beyond it are forgotten.
const FOLLOWED_TRACES = 2000;

export const TAIL_HELP = `Usage: aitrace tail [options] FILE

Shows the spans of a trace file as it grows. Running spans show as running and
turn final when their end arrives. Follows the file across rotation and truncation:
after a rotation it reads the rotated files written since its last read (for
trace.jsonl: trace.N.jsonl ... trace.1.jsonl, the writer's names), in order, then
the new file, and says on stderr when rotated files were deleted before it could
read them.

On a terminal the tree of the most recent traces is redrawn; when piped, one
line is printed per change: "start" (a span seen running), "end" (final, with
state), "log" and "event". A span that started and ended between two reads of
the file gets only its "end" line. While following, the 2,000 most recently
changed traces are kept; a later record of a forgotten trace starts it anew.

Options:
  -f, --follow        keep watching the file (without it: print the current state and exit)
  --traces N          traces shown on a terminal (default 5)
  --name, --where, --status   filters, as for aitrace tree
  --interval MS       how often to look for new data (default 100)
  -h, --help          show this help

Exit codes: 0 done (or interrupted with Ctrl-C), 1 the file cannot be read, 2 usage error.`;

/** `aitrace tail`. */
export async function tailCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      follow: { type: 'boolean', short: 'f' },
      traces: { type: 'string' },
      name: { type: 'string' },
      where: { type: 'string', multiple: true },
      status: { type: 'string' },
      interval: { type: 'string' },
    },
    help: TAIL_HELP,
    positionals: 1,
    positionalsError: 'tail needs exactly one FILE',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const filter = parseFilter(values.name, values.where, values.status);
  const traceCount = integerOption(values.traces, 'traces') ?? 5;
  const style = createStyle(process.stdout);
  // Following for hours: keep the recently changed traces, so memory stays flat however much the file grows.
  const builder = new ForestBuilder(values.follow === true ? { maxTraces: Math.max(FOLLOWED_TRACES, traceCount), maxLogs: FOLLOWED_TRACES } : {});

  if (values.follow !== true) {
    const problems = [];
    for await (const batch of readTraceFile(file)) {
      builder.add(batch.records);
      for (const problem of batch.problems) problems.push(problem);
    }
    reportProblems(file, problems);
    const forest = filterForest(builder.forest(), filter);
    process.stdout.write(`${renderForest({ traces: forest.traces.slice(-traceCount), logs: [] }, { style }).join('\n')}\n`);
    return 0;
  }

  const interactive = process.stdout.isTTY === true;
  const printed = new Map<string, Map<string, string>>();
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const announce = (records: LineRecord[], since: number): void => {
    // Piped output: one line per change, in arrival order, so scripts and people can follow along.
    const nodes = new Map<string, SpanNode>();
    for (const traceId of builder.changedTraces(since)) {
      const trace = builder.trace(traceId);
      if (trace === undefined) printed.delete(traceId);
      else walkSpans(isFiltering(filter) ? pruneSpans(trace.roots, filter) : trace.roots, (node) => nodes.set(`${node.traceId}/${node.spanId}`, node));
    }
    for (const { record } of records) {
      const node = nodes.get(`${record.traceId}/${record.spanId}`);
      if (record.type === 'span_start' || record.type === 'span_end') {
        if (node === undefined) continue;
        const line = spanLine(node, { style });
        let spans = printed.get(node.traceId);
        if (spans === undefined) printed.set(node.traceId, (spans = new Map()));
        if (spans.get(node.spanId) === line) continue;
        spans.set(node.spanId, line);
        // Labelled by what the span is now: a span whose start and end arrived in one read is already final.
        const label = node.state === 'running' || node.state === 'cut_off' ? 'start' : 'end';
        process.stdout.write(`${label}  ${line}  ${style.dim(terminalSafe(`${node.traceId.slice(0, 8)}/${node.spanId}`))}\n`);
      } else if (!isFiltering(filter) || node !== undefined) {
        process.stdout.write(`${record.type === 'span_event' ? 'event' : 'log'}  ${terminalSafe(record.event)}  ${style.dim(terminalJson(record.attrs))}\n`);
      }
    }
  };
  const redraw = (): void => {
    const forest = filterForest(builder.forest(), filter);
    const lines = renderForest({ traces: forest.traces.slice(-traceCount), logs: [] }, { style });
    process.stdout.write(`\x1b[H\x1b[2J${lines.join('\n')}\n${style.dim(`following ${file} — Ctrl-C to stop`)}\n`);
  };

  let scheduled: NodeJS.Timeout | undefined;
  const take = (path: string, records: LineRecord[], problems: LineProblem[]): void => {
    reportProblems(path, problems);
    if (records.length === 0) return;
    const since = builder.version;
    builder.add(records);
    if (!interactive) announce(records, since);
    else
      scheduled ??= setTimeout(() => {
        scheduled = undefined;
        redraw();
      }, 50);
  };
  const interval = integerOption(values.interval, 'interval') ?? 100;
  for await (const { events } of followFile(file, { intervalMs: interval, signal: controller.signal })) {
    for (const event of events) {
      if (event.type === 'lines') take(event.path, event.records, event.problems);
      else if (event.type === 'missing') process.stderr.write(`${file}: waiting for the file to appear\n`);
      else if (event.type === 'skipped') process.stderr.write(`${file}: ${event.message}\n`);
      // A rotated or truncated file starts a new sequence of lines; the spans seen so far stay.
      else if (!interactive)
        process.stdout.write(
          event.path === file ? `-- ${file} was ${event.reason}; following the new file\n` : `-- ${file} was rotated; reading ${event.path}, written since\n`,
        );
    }
  }
  if (scheduled !== undefined) clearTimeout(scheduled);
  return 0;
}
