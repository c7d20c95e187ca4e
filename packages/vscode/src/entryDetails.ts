import { formatEpochMicros, type NormalizedRecord } from '@aitrace/format';
import { genAiView, subtreeTokens, traceTokens, type GenAiMessage, type GenAiUsage, type SpanNode, type TokenTotals, type TraceTree } from '@aitrace/forest';
import type { TraceEntry } from './traceEntries.js';

/** Everything known about an entry, as one JSON-ready object for the details view. */
export function detailsOf(entry: TraceEntry): Record<string, unknown> {
  switch (entry.kind) {
    case 'file':
      return {
        file: entry.file.path,
        records: entry.file.recordCount,
        traces: entry.file.forest().traces.length,
        bad_lines: entry.file.problems.map((problem) => ({
          line: problem.line,
          ...(problem.field !== undefined ? { field: problem.field } : {}),
          message: problem.message,
        })),
      };
    case 'trace':
      return traceDetails(entry.trace);
    case 'span':
      return spanDetails(entry.span);
    case 'record':
      return recordDetails(entry.record);
  }
}

/** The details as the pretty JSON text the view shows and the copy action copies. */
export function detailsText(entry: TraceEntry): string {
  return `${JSON.stringify(detailsOf(entry), null, 2)}\n`;
}

function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function nonEmpty(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return object !== undefined && Object.keys(object).length > 0 ? object : undefined;
}

function location(file: string | undefined, line: number | undefined): string | undefined {
  return file === undefined ? undefined : line === undefined ? file : `${file}:${line}`;
}

function traceDetails(trace: TraceTree): Record<string, unknown> {
  return defined({
    trace_id: trace.traceId,
    start: formatEpochMicros(trace.startUs),
    end: trace.endUs !== undefined ? formatEpochMicros(trace.endUs) : undefined,
    duration_ms: trace.ended && trace.endUs !== undefined ? (trace.endUs - trace.startUs) / 1000 : undefined,
    ended: trace.ended,
    spans: trace.spanCount,
    errors: trace.errorCount,
    running: trace.runningCount,
    cut_off: trace.cutOffCount,
    services: trace.services,
    roots: trace.roots.map((root) => root.name),
    tokens: totalsOf(traceTokens(trace)),
  });
}

function usageDetails(usage: GenAiUsage): Record<string, unknown> | undefined {
  const counts = defined({ input: usage.input, output: usage.output, cached: usage.cached, reasoning: usage.reasoning });
  return Object.keys(counts).length > 0 ? counts : undefined;
}

function totalsOf(totals: TokenTotals): Record<string, unknown> | undefined {
  return totals.calls > 0 ? { calls: totals.calls, ...usageDetails(totals) } : undefined;
}

function messageDetails(message: GenAiMessage): Record<string, unknown> {
  return defined({
    role: message.role,
    text: message.text !== '' ? message.text : undefined,
    tool_calls:
      message.toolCalls.length > 0 ? message.toolCalls.map((call) => defined({ id: call.id, name: call.name, arguments: call.arguments })) : undefined,
    tool_results: message.toolResults.length > 0 ? message.toolResults.map((result) => defined({ id: result.id, result: result.result })) : undefined,
    finish_reason: message.finishReason,
  });
}

/** A GenAI span's meaning (forest's genAiView): operation, models, tokens, the conversation, the tool call. */
function genAiDetails(span: SpanNode): Record<string, unknown> | undefined {
  const view = genAiView(span);
  if (view === undefined) return span.children.length > 0 ? defined({ tokens_below: totalsOf(subtreeTokens(span)) }) : undefined;
  const tokens = usageDetails(view.usage);
  return defined({
    operation: view.operation,
    provider: view.provider,
    request_model: view.requestModel,
    response_model: view.responseModel,
    finish_reasons: view.finishReasons.length > 0 ? view.finishReasons : undefined,
    tokens,
    tokens_below: tokens === undefined && span.children.length > 0 ? totalsOf(subtreeTokens(span)) : undefined,
    conversation_id: view.conversationId,
    agent: view.agentName,
    tool:
      view.tool !== undefined
        ? defined({ name: view.tool.name, call_id: view.tool.callId, arguments: view.tool.arguments, result: view.tool.result })
        : undefined,
    conversation: view.messages.length > 0 ? view.messages.map(messageDetails) : undefined,
  });
}

function spanDetails(span: SpanNode): Record<string, unknown> {
  return defined({
    name: span.name,
    state: span.state,
    status: span.status,
    status_message: span.statusMessage,
    kind: span.kind,
    duration_ms: span.durationMs,
    start: formatEpochMicros(span.startUs),
    end: span.endUs !== undefined ? formatEpochMicros(span.endUs) : undefined,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    orphan: span.orphan || undefined,
    service: span.service,
    resource: span.resource,
    scope: span.scope,
    pid: span.pid,
    source: location(span.file, span.line),
    function: span.function,
    record_lines: defined({ start: span.startLine, end: span.endLine }),
    genai: nonEmpty(genAiDetails(span)),
    attributes: span.attrs,
    events: span.events.map(recordSummary),
    logs: span.logs.map(recordSummary),
  });
}

function recordSummary(record: NormalizedRecord): Record<string, unknown> {
  return defined({ event: record.event, timestamp: record.timestamp, level: record.level, attributes: record.attrs });
}

function recordDetails(record: NormalizedRecord): Record<string, unknown> {
  return defined({
    event: record.event,
    type: record.type,
    level: record.level,
    timestamp: record.timestamp,
    trace_id: record.traceId,
    span_id: record.spanId,
    source: location(record.file, record.line),
    function: record.function,
    service: record.service,
    resource: record.resource,
    attributes: record.attrs,
    meta: record.meta,
  });
}
