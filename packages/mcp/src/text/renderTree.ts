import { environmentOf, formatDuration, serviceVersionOf, terminalSafe, type NormalizedRecord } from '@aitrace/format';
import { genAiEventName, genAiView, traceTokens, type GenAiMessage, type GenAiUsage, type SpanForest, type SpanNode, type TraceTree } from '@aitrace/forest';
import { ellipsize } from './ellipsize.js';
import type { Style } from './style.js';

/** How much `renderForest` shows. */
export interface RenderOptions {
  style: Style;
  /** Deepest level shown (roots are 0). */
  maxDepth?: number | undefined;
  /** Attributes shown per span (default 4). */
  maxAttributes?: number;
  /** Show each GenAI span's conversation under it, in place of its raw message logs (default false). */
  messages?: boolean;
  /** Show each span's id at the end of its line, for tools that look spans up by id (default false). */
  spanIds?: boolean;
}

/** Longest message text shown before it is folded with its length. */
const MESSAGE_FOLD = 120;

/** Token counts for people: `in 41 · out 157 tok`, with cached and reasoning counts when known; empty when none. */
export function formatTokens(usage: GenAiUsage): string {
  const parts: string[] = [];
  if (usage.input !== undefined) parts.push(`in ${usage.input.toLocaleString('en-US')}`);
  if (usage.output !== undefined) parts.push(`out ${usage.output.toLocaleString('en-US')}`);
  if (usage.cached !== undefined && usage.cached > 0) parts.push(`cached ${usage.cached.toLocaleString('en-US')}`);
  if (usage.reasoning !== undefined && usage.reasoning > 0) parts.push(`reasoning ${usage.reasoning.toLocaleString('en-US')}`);
  return parts.length === 0 ? '' : `${parts.join(' · ')} tok`;
}

/** Text folded to one line: whitespace collapsed, cut at the fold with the full length shown. */
function folded(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return terminalSafe(flat.length <= MESSAGE_FOLD ? flat : `${flat.slice(0, MESSAGE_FOLD)}… (${flat.length.toLocaleString('en-US')} chars)`);
}

function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** One conversation message as compact lines: `user: text`, `assistant → tool(args)`, `tool call_1: result`. */
export function messageLines(message: GenAiMessage, style: Style): string[] {
  const role = style.bold(terminalSafe(message.role));
  const out: string[] = [];
  if (message.text !== '') out.push(`${role}: ${folded(message.text)}`);
  for (const call of message.toolCalls)
    out.push(
      `${role} → ${style.cyan(terminalSafe(call.name))}(${folded(jsonText(call.arguments ?? ''))})${call.id ? style.dim(` ${terminalSafe(call.id)}`) : ''}`,
    );
  if (message.text === '' || message.toolResults.length > 0) {
    for (const result of message.toolResults)
      if (message.text === '') out.push(`${role}${result.id ? style.dim(` ${terminalSafe(result.id)}`) : ''}: ${folded(jsonText(result.result ?? ''))}`);
  }
  if (out.length === 0) out.push(`${role}: ${style.dim('(no content captured)')}`);
  if (message.finishReason !== undefined) out[out.length - 1] += style.dim(` [${terminalSafe(message.finishReason)}]`);
  return out;
}

// The one duration formatter, re-exported for the modules that render with this one.
export { formatDuration };

function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return terminalSafe(ellipsize(text.replace(/\s+/g, ' '), 60));
}

// Attributes people look for first; transport details last.
const FIRST = /(^|\.)(status_code|route|path|target)$|^(db|rpc|messaging|gen_ai|llm|error|exception)\./;
const LAST = /^(network|server|client|user_agent|url\.scheme|telemetry|process|host)\b|\.method_original$/;

function rank(key: string): number {
  return FIRST.test(key) ? 0 : LAST.test(key) ? 2 : 1;
}

/** A few attributes as `key=value`, most telling first, skipping the code.* location attributes (shown separately). */
export function keyAttributes(attrs: Record<string, unknown>, max = 4): string {
  const keys = Object.keys(attrs).filter((key) => !key.startsWith('code.'));
  const chosen = keys
    .map((key, index) => ({ key, index, rank: rank(key) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .slice(0, max);
  const parts = chosen.map(({ key }) => `${terminalSafe(key)}=${shortValue(attrs[key])}`);
  if (keys.length > max) parts.push('…');
  return parts.join(' ');
}

function stateText(node: SpanNode, style: Style): string {
  switch (node.state) {
    case 'ok':
      return style.green('✓');
    case 'error':
      return style.red('✗');
    case 'running':
      return style.yellow('▶ running');
    case 'cut_off':
      return style.red('✂ cut off');
  }
}

function clock(timeUs: number): string {
  return new Date(timeUs / 1000).toISOString().slice(11, 23);
}

/** A span event or log as one line: time, level or `!`, name, key attributes. */
export function recordLine(record: NormalizedRecord, style: Style): string {
  const attrs = keyAttributes(record.attrs, 6);
  if (record.type === 'span_event') {
    const message = record.attrs['exception.message'];
    const type = record.attrs['exception.type'];
    const detail = record.event === 'exception' && message !== undefined ? terminalSafe(`${String(type ?? 'Error')}: ${String(message)}`) : attrs;
    return `${style.dim(clock(record.timeUs))} ${style.red('!')} ${terminalSafe(record.event)}${detail ? ` ${detail}` : ''}`;
  }
  const level = record.level ?? 'log';
  const colored = level === 'error' || level === 'fatal' ? style.red(level) : level === 'warn' ? style.yellow(level) : style.dim(level);
  return `${style.dim(clock(record.timeUs))} ${colored} ${terminalSafe(record.event)}${attrs ? ` ${style.dim(attrs)}` : ''}`;
}

/** One span as a line: state, name, kind, duration, key attributes. */
export function spanLine(node: SpanNode, options: RenderOptions): string {
  const { style } = options;
  const parts = [stateText(node, style), style.bold(terminalSafe(node.name))];
  if (node.kind !== undefined && node.kind !== 'internal') parts.push(style.dim(`[${node.kind}]`));
  if (node.durationMs !== undefined) parts.push(style.cyan(formatDuration(node.durationMs)));
  if (node.state === 'error') parts.push(style.red(`error${node.statusMessage ? `: ${terminalSafe(node.statusMessage)}` : ''}`));
  if (node.orphan) parts.push(style.yellow(`(orphan: parent ${terminalSafe(node.parentSpanId ?? '')} not found)`));
  const genAi = genAiView(node);
  if (genAi?.model !== undefined) parts.push(style.cyan(terminalSafe(genAi.model)));
  const tokens = genAi === undefined ? '' : formatTokens(genAi.usage);
  if (tokens) parts.push(style.yellow(tokens));
  const attrs = keyAttributes(node.attrs, options.maxAttributes ?? 4);
  if (attrs) parts.push(style.dim(attrs));
  if (options.spanIds === true) parts.push(style.dim(`#${terminalSafe(node.spanId)}`));
  return parts.join(' ');
}

function renderNodes(nodes: readonly SpanNode[], prefix: string, depth: number, options: RenderOptions, out: string[]): void {
  nodes.forEach((node, index) => {
    const last = index === nodes.length - 1;
    out.push(`${prefix}${last ? '└─ ' : '├─ '}${spanLine(node, options)}`);
    const inner = `${prefix}${last ? '   ' : '│  '}`;
    const hasChildren = node.children.length > 0 && (options.maxDepth === undefined || depth < options.maxDepth);
    const detailPrefix = `${inner}${hasChildren ? '│ ' : '  '} `;
    const conversation = options.messages === true ? (genAiView(node)?.messages ?? []) : [];
    for (const message of conversation) for (const line of messageLines(message, options.style)) out.push(`${detailPrefix}${line}`);
    // The conversation replaces the raw message logs it was read from.
    const records = [...node.events, ...node.logs].filter((record) => conversation.length === 0 || !genAiEventName(record).startsWith('gen_ai.'));
    for (const record of records.sort((a, b) => a.timeUs - b.timeUs)) out.push(`${detailPrefix}${recordLine(record, options.style)}`);
    if (hasChildren) renderNodes(node.children, inner, depth + 1, options, out);
    else if (node.children.length > 0) out.push(`${inner}${options.style.dim(`… ${node.children.length} child span(s) below --depth`)}`);
  });
}

/** The header line of a trace: id, services, the root's service version and environment, counts, duration. */
export function traceHeader(trace: TraceTree, style: Style): string {
  const parts = [style.bold(`trace ${terminalSafe(trace.traceId)}`)];
  if (trace.services.length > 0) parts.push(terminalSafe(trace.services.join(',')));
  const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
  const release = [serviceVersionOf(root?.resource), environmentOf(root?.resource)].filter((text) => text !== undefined);
  if (release.length > 0) parts.push(style.dim(terminalSafe(release.join(' '))));
  parts.push(`${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}`);
  if (trace.errorCount > 0) parts.push(style.red(`${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}`));
  if (trace.runningCount > 0) parts.push(style.yellow(`${trace.runningCount} running`));
  if (trace.cutOffCount > 0) parts.push(style.red(`${trace.cutOffCount} cut off`));
  if (trace.endUs !== undefined) parts.push(style.cyan(formatDuration((trace.endUs - trace.startUs) / 1000)));
  const totals = traceTokens(trace);
  if (totals.calls > 0) parts.push(style.yellow(`∑ ${formatTokens(totals)} (${totals.calls} LLM call${totals.calls === 1 ? '' : 's'})`));
  parts.push(style.dim(new Date(trace.startUs / 1000).toISOString()));
  return parts.join('  ');
}

/** Renders traces as indented trees, one block per trace. */
export function renderForest(forest: SpanForest, options: RenderOptions): string[] {
  const out: string[] = [];
  for (const trace of forest.traces) {
    if (out.length > 0) out.push('');
    out.push(traceHeader(trace, options.style));
    for (const record of trace.logs) out.push(`   ${recordLine(record, options.style)}`);
    renderNodes(trace.roots, '', 0, options, out);
  }
  if (forest.logs.length > 0) {
    if (out.length > 0) out.push('');
    out.push(options.style.bold('logs outside any trace'));
    for (const record of forest.logs) out.push(`   ${recordLine(record, options.style)}`);
  }
  return out;
}
