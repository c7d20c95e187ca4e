import {
  FilterSyntaxError,
  ForestBuilder,
  storedTrace,
  traceMatches,
  traceQueryFromText,
  type LineProblem,
  type SpanForest,
  type TraceQuery,
} from '@aitrace/forest';
import { readTraceFile } from '@aitrace/forest/node';
import { terminalJson, terminalSafe, type NormalizedRecord } from '@aitrace/format';
import { UsageError } from '../UsageError.js';
import { integerOption, parseCommand } from '../args.js';
import { forestJson } from '../forestJson.js';
import { createProgress } from '../progress.js';
import { isFiltering, pruneSpans, type SpanFilter } from '@aitrace/forest';
import { createStyle, parseFilter, renderForest } from '@aitrace/mcp';

export const TREE_HELP = `Usage: aitrace tree [options] FILE|-

Prints the span trees of a trace file (or stdin for -): durations, status,
running / cut-off markers, key attributes, span events and logs; LLM calls with
their model and tokens in/out, each trace with its token totals.

Options:
  --trace ID          only the trace with this id (a prefix is enough); reads large files in bounded memory
  --filter TEXT       only the traces matching TEXT, as the web viewer's search box selects them:
                      free words (text search), key=value, key="value with spaces", and the fields
                      status:error|running|ok, service:, version:, env:, name:, model:, conversation:
  --name TEXT         spans whose name contains TEXT (with their ancestors and subtrees)
  --where KEY=VALUE   spans with this attribute value; repeatable (all must match)
  --status STATE      spans in this state: ok, error, running, cut_off
  --depth N           show N levels below the roots
  --messages          show each LLM call's conversation (system, user, assistant, tool calls and results)
  --live              the writer is still running: spans without an end are "running", not "cut off"
  --json              print the forest as JSON
  -h, --help          show this help

Exit codes: 0 printed (bad lines are reported on stderr), 1 the file cannot be read, 2 usage error.`;

/** Applies the span filter to every trace; drops traces left empty. */
export function filterForest(forest: SpanForest, filter: SpanFilter): SpanForest {
  if (!isFiltering(filter)) return forest;
  const traces = forest.traces.map((trace) => ({ ...trace, roots: pruneSpans(trace.roots, filter), logs: [] })).filter((trace) => trace.roots.length > 0);
  return { traces, logs: [] };
}

/** Reads `--filter TEXT` (forest's filter text syntax) into a trace query. */
function parseTraceFilter(text: string | undefined): TraceQuery | undefined {
  if (text === undefined) return undefined;
  try {
    return traceQueryFromText(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new UsageError(`--filter: ${error.message}`);
    throw error;
  }
}

function collectByTrace(byTrace: Map<string, NormalizedRecord[]>, items: readonly { record: NormalizedRecord }[]): void {
  for (const { record } of items) {
    if (record.traceId === undefined) continue;
    const list = byTrace.get(record.traceId);
    if (list === undefined) byTrace.set(record.traceId, [record]);
    else list.push(record);
  }
}

/** The traces whose records match the query by the reference matcher (what the viewer and the server list). */
export function selectTraces(forest: SpanForest, byTrace: ReadonlyMap<string, readonly NormalizedRecord[]>, query: TraceQuery): SpanForest {
  const traces = forest.traces.filter((trace) => traceMatches(storedTrace(trace.traceId, [byTrace.get(trace.traceId) ?? []]), query));
  return { traces, logs: [] };
}

/** Prints bad lines as FILE:LINE: message on stderr. */
export function reportProblems(file: string, problems: LineProblem[]): void {
  for (const problem of problems) process.stderr.write(`${terminalSafe(file)}:${problem.line}: ${terminalSafe(problem.message)}\n`);
}

/** `aitrace tree`. */
export async function treeCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      trace: { type: 'string' },
      filter: { type: 'string' },
      name: { type: 'string' },
      where: { type: 'string', multiple: true },
      status: { type: 'string' },
      depth: { type: 'string' },
      live: { type: 'boolean' },
      messages: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: TREE_HELP,
    positionals: 1,
    positionalsError: 'tree needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const filter = parseFilter(values.name, values.where, values.status);
  const maxDepth = integerOption(values.depth, 'depth');
  const traceId = values.trace?.toLowerCase();
  if (traceId !== undefined && !/^[0-9a-f]+$/.test(traceId))
    throw new UsageError(`--trace must be a trace id or its first hex digits, got ${JSON.stringify(values.trace)}`);
  const query = parseTraceFilter(values.filter);
  const byTrace = new Map<string, NormalizedRecord[]>();

  const builder = new ForestBuilder({ ended: values.live !== true });
  const problems: LineProblem[] = [];
  const progress = createProgress(file, 'reading');
  const onProgress = (bytes: number): void => progress.update(bytes);
  for await (const batch of readTraceFile(file, traceId === undefined ? { onProgress } : { onProgress, traceIdPrefix: traceId })) {
    // With --trace, the reader keeps only that trace's records, so memory stays bounded on huge files.
    builder.add(batch.records);
    if (query !== undefined) collectByTrace(byTrace, batch.records);
    for (const problem of batch.problems) problems.push(problem);
  }
  progress.done();
  reportProblems(file, problems);

  const forest = filterForest(query === undefined ? builder.forest() : selectTraces(builder.forest(), byTrace, query), filter);
  if (values.json) {
    console.log(terminalJson({ ...forestJson(forest), problems }, 2));
    return 0;
  }
  const style = createStyle(process.stdout);
  const lines = renderForest(forest, { style, maxDepth, messages: values.messages === true });
  if (lines.length === 0) process.stderr.write(traceId !== undefined || query !== undefined || isFiltering(filter) ? 'no spans match\n' : 'no records\n');
  else process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
