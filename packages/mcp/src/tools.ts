import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { genAiEventName, genAiView, isFiltering, matchesSpan, traceTokens, walkSpans, type SpanFilter, type SpanNode, type TraceTree } from '@aitrace/forest';
import { SPAN_STATES as STATES, terminalSafe } from '@aitrace/format';
import { DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS, moreNote, pageItems, type Page } from './budget.js';
import { InputError } from './InputError.js';
import { SourceError } from './SourceError.js';
import { parseFilter } from './spanFilter.js';
import { ellipsize } from './text/ellipsize.js';
import { ModelTable } from './text/modelStats.js';
import { formatDuration, formatTokens, messageLines, recordLine, renderForest, spanLine, traceHeader } from './text/renderTree.js';
import { SpanNameTable, type NameStats } from './text/SpanNameTable.js';
import { nameRows, statsLines, type StatsResult } from './text/statsText.js';
import { PLAIN_STYLE } from './text/style.js';
import { inScope } from './findTrace.js';
import type { TraceScope, TraceSource } from './TraceSource.js';

const maxChars = z
  .number()
  .int()
  .min(MIN_MAX_CHARS)
  .max(MAX_MAX_CHARS)
  .optional()
  .describe(
    `Size budget of the answer in characters (default ${DEFAULT_MAX_CHARS}, about ${DEFAULT_MAX_CHARS / 4} tokens). A longer answer is cut at a whole line and says how to get the rest.`,
  );
const cursor = z.number().int().min(0).optional().describe('Where to continue: the cursor a cut answer gave. Omit for the first page.');
const traceIdArg = z.string().min(1).describe('Trace id (32 hex digits) or a unique prefix of it, as search_traces lists it.');

const opt = (name: string): string => name;
const plain = { style: PLAIN_STYLE } as const;
const iso = (us: number): string => new Date(us / 1000).toISOString();

/** A time argument: an ISO date-time, or a span of time back from now such as `15m`, `2h`, `3d`. */
function timeArg(value: string | undefined, name: string, nowUs: number): number | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
  if (relative !== undefined && relative !== null) {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return nowUs - Number(relative[1]) * unit * 1e6;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InputError(`${name} must be an ISO date-time (2026-01-31T12:00:00Z) or a time back from now (30s, 15m, 2h, 1d), got ${JSON.stringify(value)}`);
  return ms * 1000;
}

function findSpan(trace: TraceTree, spanId: string): SpanNode {
  let found: SpanNode | undefined;
  const id = spanId.trim().toLowerCase().replace(/^#/, '');
  walkSpans(trace.roots, (node) => {
    if (node.spanId === id) found = node;
  });
  if (found === undefined) throw new InputError(`trace ${trace.traceId} has no span ${JSON.stringify(spanId)}; get_trace shows each span's id after #`);
  return found;
}

/** Room kept in a paged text answer for its structured content (ids, counts, cursor: a few hundred characters). */
const STRUCTURED_ROOM = 600;
/** Longest problem text told with an answer (it and its structured copy fit in the budget's note room). */
const PROBLEM_WIDTH = 120;

/** The text and structured content of an answer. */
function answer(lines: string[], structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: lines.join('\n') }], structuredContent: structured };
}

function withNote(page: Page<unknown>, what: string, narrower: string): string[] {
  const note = moreNote(page, what, narrower);
  return note === '' ? page.lines : [...page.lines, note];
}

/** What a tool body reads through: the source, with the notes of traces it left out collected for the answer. */
interface CallReader {
  traces(scope: TraceScope): Promise<readonly TraceTree[]>;
  trace(id: string): Promise<TraceTree>;
}

/**
 * Wraps a tool body: bad input and a failing source come back as a tool error naming the problem, never as a
 * crash; an answer tells the traces the source left out and its latest reading problem, each on one short line.
 */
function tool<A>(source: TraceSource, body: (args: A, read: CallReader) => Promise<CallToolResult>): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    let omitted: string | undefined;
    const read: CallReader = {
      traces: async (scope) => {
        const selection = await source.traces(scope);
        omitted ??= selection.omitted;
        return selection.traces;
      },
      trace: (id) => source.trace(id),
    };
    let result: CallToolResult;
    try {
      result = await body(args, read);
    } catch (error) {
      if (error instanceof InputError || error instanceof SourceError) return { content: [{ type: 'text', text: terminalSafe(error.message) }], isError: true };
      throw error;
    }
    const content = [...result.content];
    const structured = { ...result.structuredContent };
    if (omitted !== undefined) {
      content.push({ type: 'text', text: `(${omitted})` });
      structured.omitted = omitted;
    }
    const problems = source.problems();
    if (problems.length > 0) {
      const latest = ellipsize(terminalSafe(problems[problems.length - 1]!), PROBLEM_WIDTH);
      content.push({ type: 'text', text: `(${problems.length} problem(s) reading the traces; latest: ${latest})` });
      structured.problems = { count: problems.length, latest };
    }
    return { ...result, content, structuredContent: structured };
  };
}

/** One trace in a search answer. */
interface TraceSummary {
  trace_id: string;
  root: string;
  services: string[];
  start: string;
  duration_ms: number | null;
  spans: number;
  errors: number;
  running: number;
  cut_off: number;
  llm_calls: number;
  input_tokens: number | null;
  output_tokens: number | null;
}

function traceSummary(trace: TraceTree): TraceSummary {
  const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
  const tokens = traceTokens(trace);
  return {
    trace_id: trace.traceId,
    root: root?.name ?? '',
    services: trace.services,
    start: iso(trace.startUs),
    duration_ms: trace.endUs === undefined ? null : (trace.endUs - trace.startUs) / 1000,
    spans: trace.spanCount,
    errors: trace.errorCount,
    running: trace.runningCount,
    cut_off: trace.cutOffCount,
    llm_calls: tokens.calls,
    input_tokens: tokens.input ?? null,
    output_tokens: tokens.output ?? null,
  };
}

/** Whether any text of the span (name, status message, attribute values, events, logs) contains `text`. */
function spanHasText(node: SpanNode, text: string): boolean {
  const has = (value: unknown): boolean => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).toLowerCase().includes(text);
  if (node.name.toLowerCase().includes(text) || (node.statusMessage !== undefined && has(node.statusMessage))) return true;
  for (const [key, value] of Object.entries(node.attrs)) if (key.toLowerCase().includes(text) || has(value)) return true;
  for (const record of [...node.events, ...node.logs]) if (record.event.toLowerCase().includes(text) || has(record.attrs)) return true;
  return false;
}

/** One error or exception, with where it was thrown. */
interface ErrorItem {
  trace_id: string;
  span_id: string;
  span: string;
  time: string;
  type: string | null;
  message: string;
  file: string | null;
  line: number | null;
  stack_head: string[];
}

// Frames of a JavaScript or Python stack that name a file and line.
const FRAME = /(?:\(|at |File ")([^\s()"]+?):(\d+)(?::\d+)?\)?|File "([^"]+)", line (\d+)/;
const STACK_HEAD = 4;

function stackLocation(stack: string): { file: string; line: number } | undefined {
  for (const text of stack.split('\n').slice(1)) {
    const match = FRAME.exec(text);
    if (match === null) continue;
    const file = match[1] ?? match[3];
    const line = Number(match[2] ?? match[4]);
    if (file !== undefined && !file.startsWith('node:') && !file.includes('node_modules')) return { file, line };
  }
  return undefined;
}

function errorsOf(node: SpanNode): ErrorItem[] {
  const items: ErrorItem[] = [];
  const base = { trace_id: node.traceId, span_id: node.spanId, span: node.name };
  for (const event of node.events) {
    if (event.event !== 'exception') continue;
    const stack = typeof event.attrs['exception.stacktrace'] === 'string' ? event.attrs['exception.stacktrace'] : '';
    const at = stackLocation(stack);
    items.push({
      ...base,
      time: iso(event.timeUs),
      type: event.attrs['exception.type'] === undefined ? null : String(event.attrs['exception.type']),
      message: String(event.attrs['exception.message'] ?? ''),
      file: at?.file ?? node.file ?? null,
      line: at?.line ?? node.line ?? null,
      stack_head: stack
        .split('\n')
        .slice(1, 1 + STACK_HEAD)
        .map((text) => text.trim())
        .filter((text) => text !== ''),
    });
  }
  if (items.length === 0 && node.state === 'error') {
    items.push({
      ...base,
      time: iso(node.endUs ?? node.startUs),
      type: null,
      message: node.statusMessage ?? '(no status message)',
      file: node.file ?? null,
      line: node.line ?? null,
      stack_head: [],
    });
  }
  return items;
}

function errorLine(item: ErrorItem): string {
  const where = item.file === null ? '' : `  at ${item.file}${item.line === null ? '' : `:${item.line}`}`;
  const head = item.stack_head.length > 0 ? `\n    ${item.stack_head.join('\n    ')}` : '';
  return terminalSafe(
    `${item.time}  ${item.type === null ? '' : `${item.type}: `}${item.message}${where}  in "${item.span}" trace ${item.trace_id} #${item.span_id}${head}`,
  );
}

/** Errors of one source file, for `group_by: file`. */
interface ErrorGroup {
  file: string;
  count: number;
  lines: number[];
  messages: string[];
  example: { trace_id: string; span_id: string };
}

function groupLine(group: ErrorGroup): string {
  const lines = group.lines.length > 0 ? ` lines ${group.lines.join(', ')}` : '';
  return terminalSafe(
    `${group.file}  ${group.count} error${group.count === 1 ? '' : 's'}${lines}  ${group.messages.map((message) => JSON.stringify(message)).join(', ')}  e.g. trace ${group.example.trace_id} #${group.example.span_id}`,
  );
}

/** A span running now. */
interface RunningItem {
  trace_id: string;
  span_id: string;
  name: string;
  state: 'running' | 'cut_off';
  service: string | null;
  start: string;
  /** How long it has run; null for a cut-off span (it stopped when its writer did). */
  running_ms: number | null;
}

function spanDetailLines(node: SpanNode, trace: TraceTree, nowUs: number): string[] {
  const lines = [
    spanLine(node, plain),
    `trace ${node.traceId}  span ${node.spanId}  parent ${node.parentSpanId ?? '(root)'}${node.orphan ? ' (not in the data)' : ''}  children ${node.children.length}`,
  ];
  const running =
    node.state === 'running'
      ? `  running for ${formatDuration((nowUs - node.startUs) / 1000)}`
      : node.state === 'cut_off'
        ? '  cut off: never ended (the writer stopped)'
        : '';
  lines.push(`start ${iso(node.startUs)}${node.endUs === undefined ? '' : `  end ${iso(node.endUs)}  duration ${formatDuration(node.durationMs)}`}${running}`);
  if (node.status !== undefined) lines.push(`status ${node.status}${node.statusMessage ? `: ${terminalSafe(node.statusMessage)}` : ''}`);
  const where = [node.service && `service ${node.service}`, node.scope && `scope ${node.scope}`, node.pid !== undefined && `pid ${node.pid}`].filter(Boolean);
  if (where.length > 0) lines.push(terminalSafe(where.join('  ')));
  if (node.file !== undefined)
    lines.push(terminalSafe(`source ${node.file}${node.line === undefined ? '' : `:${node.line}`}${node.function ? ` in ${node.function}` : ''}`));
  if (trace.services.length > 1) lines.push(terminalSafe(`trace services ${trace.services.join(', ')}`));
  const genAi = genAiView(node);
  if (genAi !== undefined) {
    const parts = [
      genAi.operation && `operation ${genAi.operation}`,
      genAi.provider && `provider ${genAi.provider}`,
      genAi.model && `model ${genAi.model}`,
      formatTokens(genAi.usage),
      genAi.finishReasons.length > 0 && `finish ${genAi.finishReasons.join(',')}`,
    ];
    lines.push(terminalSafe(`gen_ai ${parts.filter(Boolean).join('  ')}`));
    if (genAi.tool !== undefined)
      lines.push(
        terminalSafe(
          `tool ${genAi.tool.name ?? ''} ${genAi.tool.callId ?? ''} args ${JSON.stringify(genAi.tool.arguments) ?? ''} result ${JSON.stringify(genAi.tool.result) ?? ''}`,
        ),
      );
    if (genAi.messages.length > 0) {
      lines.push(`conversation (${genAi.messages.length} messages):`);
      for (const message of genAi.messages) for (const line of messageLines(message, PLAIN_STYLE)) lines.push(`  ${line}`);
    }
  }
  const keys = Object.keys(node.attrs);
  if (keys.length > 0) {
    lines.push(`attributes (${keys.length}):`);
    for (const key of keys.sort()) {
      const value = node.attrs[key];
      lines.push(terminalSafe(`  ${key} = ${typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))}`));
    }
  }
  const records = [...node.events, ...node.logs]
    .filter((record) => genAi === undefined || genAi.messages.length === 0 || !genAiEventName(record).startsWith('gen_ai.'))
    .sort((a, b) => a.timeUs - b.timeUs);
  if (records.length > 0) {
    lines.push(`events and logs (${records.length}):`);
    for (const record of records) {
      lines.push(`  ${recordLine(record, PLAIN_STYLE)}`);
      const stack = record.attrs['exception.stacktrace'];
      if (typeof stack === 'string') for (const frame of stack.split('\n').slice(1, 1 + STACK_HEAD)) lines.push(terminalSafe(`      ${frame.trim()}`));
    }
  }
  if (node.children.length > 0) {
    lines.push(`children (${node.children.length}):`);
    for (const child of node.children) lines.push(`  ${spanLine(child, { ...plain, spanIds: true })}`);
  }
  return lines;
}

/** The server's instructions to the agent: which tool to start with. */
export const MCP_INSTRUCTIONS =
  'Traces of programs (OpenTelemetry spans, logs, LLM calls), read live from trace files. Start with search_traces (or find_errors, running_spans, get_stats) to find trace ids, then get_trace for a span tree (span ids after #), then get_span for one span in full. Every answer is bounded by max_chars; a cut answer gives a cursor for the rest.';

/** Registers the trace tools on an MCP server; every answer comes from `source` at the time of the call. */
export function registerTraceTools(server: McpServer, source: TraceSource): void {
  server.registerTool(
    'search_traces',
    {
      title: 'Search traces',
      description:
        'Find traces: one compact line per trace (newest first) with its id, root span, services, span / error / running / cut-off counts, duration, LLM tokens and start time. All filters are optional and combine (a trace matches when one span matches every span filter). Use the ids with get_trace, get_span or find_errors.',
      inputSchema: {
        text: z.string().optional().describe('Text anywhere in a span: name, status message, attribute keys and values, events, logs (any case).'),
        name: z.string().optional().describe('Span name contains this (any case).'),
        where: z
          .array(z.string())
          .optional()
          .describe('Attribute filters key=value, all must match on one span, e.g. ["http.route=/checkout"]; resource keys (service.version) work too.'),
        status: z.enum(STATES).optional().describe('A span in this state: ok, error, running (in flight), cut_off (never ended, its writer stopped).'),
        service: z.string().optional().describe('The trace involves this service (service.name).'),
        model: z.string().optional().describe('An LLM call to a model whose name contains this, e.g. "gpt-4o".'),
        since: z.string().optional().describe('Traces that started at or after this: ISO date-time or a time back from now (30s, 15m, 2h, 1d).'),
        until: z.string().optional().describe('Traces that started at or before this: ISO date-time or a time back from now.'),
        max_chars: maxChars,
        cursor,
      },
    },
    tool(source, async (args, read) => {
      const filter: SpanFilter = parseFilter(args.name, args.where, args.status, opt);
      const text = args.text?.toLowerCase();
      const model = args.model?.toLowerCase();
      const since = timeArg(args.since, 'since', source.nowUs());
      const until = timeArg(args.until, 'until', source.nowUs());
      const traces = await read.traces({ fromUs: since, toUs: until, service: args.service });
      const spanFiltering = isFiltering(filter) || text !== undefined || model !== undefined;
      const matches = (node: SpanNode): boolean =>
        (!isFiltering(filter) || matchesSpan(node, filter)) &&
        (text === undefined || spanHasText(node, text)) &&
        (model === undefined || (genAiView(node)?.model?.toLowerCase().includes(model) ?? false));
      const found: TraceTree[] = [];
      for (let index = traces.length - 1; index >= 0; index--) {
        const trace = traces[index]!;
        if (!inScope(trace, { fromUs: since, toUs: until, service: args.service })) continue;
        if (spanFiltering) {
          let hit = false;
          walkSpans(trace.roots, (node) => {
            if (!hit && matches(node)) hit = true;
          });
          if (!hit) continue;
        }
        found.push(trace);
      }
      const summaries = found.map(traceSummary);
      const page = pageItems(
        summaries,
        (summary) => `${traceHeader(found[summaries.indexOf(summary)]!, PLAIN_STYLE)}  root ${JSON.stringify(terminalSafe(summary.root))}`,
        args.max_chars ?? DEFAULT_MAX_CHARS,
        args.cursor ?? 0,
        true,
      );
      const scoped = since !== undefined || until !== undefined || args.service !== undefined;
      const head =
        found.length === 0
          ? [traces.length === 0 ? (scoped ? 'no trace in that time range or service' : 'no traces yet') : `no trace matches (of ${traces.length})`]
          : [`${found.length} trace(s) match, newest first`];
      return answer([...head, ...withNote(page, 'traces', 'narrow the search (since, status, name, where)')], {
        traces: page.items,
        total: page.total,
        next_cursor: page.nextCursor ?? null,
      });
    }),
  );

  server.registerTool(
    'get_trace',
    {
      title: 'Get a trace',
      description:
        'The span tree of one trace as compact text, one span per line: state (✓ ok, ✗ error, ▶ running, ✂ cut off), name, kind, duration, error message, LLM model and tokens, key attributes, and the span id after #; events and logs under their span. For huge traces use depth (levels below the roots), span_id (only that subtree) and cursor (the next page of lines). Use get_span for everything about one span.',
      inputSchema: {
        trace_id: traceIdArg,
        span_id: z.string().optional().describe('Show only the subtree of this span.'),
        depth: z.number().int().min(0).optional().describe('Levels shown below the top span(s); deeper spans are summarised as a count.'),
        messages: z.boolean().optional().describe("Show each LLM call's conversation under it (default false)."),
        max_chars: maxChars,
        cursor,
      },
    },
    tool(source, async (args, read) => {
      const trace = await read.trace(args.trace_id);
      const roots = args.span_id === undefined ? trace.roots : [findSpan(trace, args.span_id)];
      const lines = renderForest(
        { traces: [{ ...trace, roots, logs: args.span_id === undefined ? trace.logs : [] }], logs: [] },
        { ...plain, maxDepth: args.depth, messages: args.messages === true, spanIds: true },
      );
      const page = pageItems(lines, (line) => line, (args.max_chars ?? DEFAULT_MAX_CHARS) - STRUCTURED_ROOM, args.cursor ?? 0);
      return answer([...withNote(page, 'lines', 'pass depth (e.g. depth=2) or span_id to see one subtree')], {
        ...traceSummary(trace),
        first_line: args.cursor ?? 0,
        lines_shown: page.items.length,
        total_lines: page.total,
        next_cursor: page.nextCursor ?? null,
      });
    }),
  );

  server.registerTool(
    'get_span',
    {
      title: 'Get a span',
      description:
        'Everything about one span: name, ids, parent, times, status and message, service, source location (file:line), every attribute, its events (exceptions with stack heads) and logs, its children, and for LLM (GenAI) spans the model, tokens, tool call and the whole conversation.',
      inputSchema: {
        trace_id: traceIdArg,
        span_id: z.string().min(1).describe('Span id (16 hex digits), as get_trace shows it after #.'),
        max_chars: maxChars,
        cursor,
      },
    },
    tool(source, async (args, read) => {
      const trace = await read.trace(args.trace_id);
      const node = findSpan(trace, args.span_id);
      const lines = spanDetailLines(node, trace, source.nowUs());
      const page = pageItems(lines, (line) => line, (args.max_chars ?? DEFAULT_MAX_CHARS) - STRUCTURED_ROOM, args.cursor ?? 0);
      const genAi = genAiView(node);
      return answer(withNote(page, 'lines', 'call get_trace with span_id for its subtree'), {
        trace_id: node.traceId,
        span_id: node.spanId,
        parent_span_id: node.parentSpanId ?? null,
        name: node.name,
        kind: node.kind ?? null,
        state: node.state,
        status_message: node.statusMessage ?? null,
        start: iso(node.startUs),
        duration_ms: node.durationMs ?? null,
        service: node.service ?? null,
        source: node.file === undefined ? null : { file: node.file, line: node.line ?? null, function: node.function ?? null },
        attribute_count: Object.keys(node.attrs).length,
        event_count: node.events.length,
        log_count: node.logs.length,
        children: node.children.length,
        gen_ai:
          genAi === undefined
            ? null
            : {
                operation: genAi.operation ?? null,
                model: genAi.model ?? null,
                input_tokens: genAi.usage.input ?? null,
                output_tokens: genAi.usage.output ?? null,
                messages: genAi.messages.length,
              },
        next_cursor: page.nextCursor ?? null,
      });
    }),
  );

  server.registerTool(
    'find_errors',
    {
      title: 'Find errors and exceptions',
      description:
        'Failed spans and recorded exceptions, newest first: time, type and message, source file and line (from the stack, else the span\'s code location), the span and trace ids, and the head of the stack. group_by "file" answers one line per source file instead (count, lines, messages): where the errors come from.',
      inputSchema: {
        trace_id: z.string().optional().describe('Only this trace (id or unique prefix).'),
        since: z.string().optional().describe('Only errors of traces that started at or after this: ISO date-time or a time back from now (15m, 2h).'),
        group_by: z.enum(['none', 'file']).optional().describe('none (default): one entry per error; file: one line per source file.'),
        max_chars: maxChars,
        cursor,
      },
    },
    tool(source, async (args, read) => {
      const since = timeArg(args.since, 'since', source.nowUs());
      const traces = args.trace_id === undefined ? await read.traces({ fromUs: since }) : [await read.trace(args.trace_id)];
      const items: ErrorItem[] = [];
      for (const trace of traces) {
        if (since !== undefined && trace.startUs < since) continue;
        if (trace.errorCount === 0 && !trace.roots.some((root) => hasException(root))) continue;
        walkSpans(trace.roots, (node) => items.push(...errorsOf(node)));
      }
      items.sort((a, b) => b.time.localeCompare(a.time));
      const budget = args.max_chars ?? DEFAULT_MAX_CHARS;
      const head = items.length === 0 ? ['no errors or exceptions'] : [`${items.length} error(s) and exception(s)`];
      if (args.group_by === 'file') {
        const groups = new Map<string, ErrorGroup>();
        for (const item of items) {
          const file = item.file ?? '(no source location)';
          let group = groups.get(file);
          if (group === undefined)
            groups.set(file, (group = { file, count: 0, lines: [], messages: [], example: { trace_id: item.trace_id, span_id: item.span_id } }));
          group.count++;
          if (item.line !== null && !group.lines.includes(item.line) && group.lines.length < 10) group.lines.push(item.line);
          if (!group.messages.includes(item.message) && group.messages.length < 3) group.messages.push(item.message);
        }
        const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.file.localeCompare(b.file));
        const page = pageItems(sorted, groupLine, budget, args.cursor ?? 0, true);
        return answer([...head, ...withNote(page, 'files', 'pass trace_id or since')], {
          groups: page.items,
          total_errors: items.length,
          total: page.total,
          next_cursor: page.nextCursor ?? null,
        });
      }
      const page = pageItems(items, errorLine, budget, args.cursor ?? 0, true);
      return answer([...head, ...withNote(page, 'errors', 'pass group_by "file", trace_id or since')], {
        errors: page.items,
        total: page.total,
        next_cursor: page.nextCursor ?? null,
      });
    }),
  );

  server.registerTool(
    'get_stats',
    {
      title: 'Statistics',
      description:
        'Latency by span name (count, errors, open, p50 / p95 / max duration, most frequent names first), then LLM calls by model (calls, errors, input and output tokens, p50 / p95 latency), then the slowest traces. Over every trace, or one trace, or the traces since a time.',
      inputSchema: {
        trace_id: z.string().optional().describe('Only this trace (id or unique prefix).'),
        since: z.string().optional().describe('Only traces that started at or after this: ISO date-time or a time back from now (15m, 2h).'),
        names: z.number().int().min(1).max(1000).optional().describe('Span names listed (default 30); the others are summed in one row.'),
        max_chars: maxChars,
      },
    },
    tool(source, async (args, read) => {
      const since = timeArg(args.since, 'since', source.nowUs());
      const traces = (args.trace_id === undefined ? await read.traces({ fromUs: since }) : [await read.trace(args.trace_id)]).filter(
        (trace) => since === undefined || trace.startUs >= since,
      );
      const names = args.names ?? 30;
      const table = new SpanNameTable(Math.max(1000, names * 4));
      const models = new ModelTable();
      const slowest: StatsResult['slowest_traces'] = [];
      for (const trace of traces) {
        walkSpans(trace.roots, (node) => {
          const stats: NameStats = table.touch(node.name);
          if (node.durationMs === undefined) stats.open++;
          else {
            stats.add(node.durationMs, node.state === 'error');
            models.add(node.attrs, node.durationMs, node.state === 'error');
          }
        });
        if (trace.endUs !== undefined)
          slowest.push({ trace_id: trace.traceId, root: traceSummary(trace).root, duration_ms: (trace.endUs - trace.startUs) / 1000 });
      }
      slowest.sort((a, b) => b.duration_ms - a.duration_ms);
      const result: StatsResult = { ...nameRows(table, names), models: models.rows(), slowest_traces: slowest.slice(0, 5) };
      const lines = [`${traces.length} trace(s)`, ...statsLines(result, PLAIN_STYLE)];
      const page = pageItems(lines, (line) => line, (args.max_chars ?? DEFAULT_MAX_CHARS) / 2, 0);
      return answer(withNote(page, 'lines', 'pass fewer names, trace_id or since'), { ...result, traces: traces.length });
    }),
  );

  server.registerTool(
    'running_spans',
    {
      title: 'Running spans',
      description:
        'Spans in flight now (started, not ended, their writer still writing), longest running first, with how long they have run, their trace and span ids and service. With include_cut_off, also the spans that never ended because their writer stopped (a crash or kill).',
      inputSchema: {
        include_cut_off: z.boolean().optional().describe('Also list cut-off spans (default false).'),
        min_ms: z.number().min(0).optional().describe('Only spans running at least this long, ms.'),
        max_chars: maxChars,
        cursor,
      },
    },
    tool(source, async (args, read) => {
      const traces = await read.traces({ open: true });
      const nowUs = source.nowUs();
      const items: RunningItem[] = [];
      let cutOff = 0;
      for (const trace of traces) {
        if (trace.runningCount === 0 && trace.cutOffCount === 0) continue;
        walkSpans(trace.roots, (node) => {
          if (node.state === 'cut_off') cutOff++;
          if (node.state !== 'running' && !(node.state === 'cut_off' && args.include_cut_off === true)) return;
          const runningMs = (nowUs - node.startUs) / 1000;
          if (args.min_ms !== undefined && runningMs < args.min_ms) return;
          items.push({
            trace_id: node.traceId,
            span_id: node.spanId,
            name: node.name,
            state: node.state,
            service: node.service ?? null,
            start: iso(node.startUs),
            running_ms: node.state === 'running' ? runningMs : null,
          });
        });
      }
      items.sort((a, b) => (b.running_ms ?? -1) - (a.running_ms ?? -1));
      const line = (item: RunningItem): string =>
        terminalSafe(
          `${item.running_ms !== null ? `▶ running ${formatDuration(item.running_ms)}` : '✂ cut off'}  ${item.name}${item.service === null ? '' : `  ${item.service}`}  started ${item.start}  trace ${item.trace_id} #${item.span_id}`,
        );
      const page = pageItems(items, line, args.max_chars ?? DEFAULT_MAX_CHARS, args.cursor ?? 0, true);
      const running = items.filter((item) => item.state === 'running').length;
      const head = [
        `${running} span(s) running now${cutOff > 0 ? `; ${cutOff} cut off (never ended, their writer stopped)${args.include_cut_off === true ? '' : ': pass include_cut_off to list them'}` : ''}`,
      ];
      return answer([...head, ...withNote(page, 'spans', 'pass min_ms')], {
        spans: page.items,
        running,
        cut_off: cutOff,
        total: page.total,
        next_cursor: page.nextCursor ?? null,
      });
    }),
  );
}

function hasException(node: SpanNode): boolean {
  return node.events.some((event) => event.event === 'exception') || node.children.some(hasException);
}

/** An MCP server with the trace tools over `source`. */
export function createTraceMcpServer(source: TraceSource, version: string): McpServer {
  const server = new McpServer({ name: 'aitrace', version }, { instructions: MCP_INSTRUCTIONS });
  registerTraceTools(server, source);
  return server;
}
