import type { NormalizedRecord } from '@aitrace/format';
import type { SpanForest, SpanNode, TraceTree } from '@aitrace/forest';

function recordJson(record: NormalizedRecord): Record<string, unknown> {
  return { timestamp: record.timestamp, event: record.event, type: record.type, level: record.level, attrs: record.attrs };
}

function spanJson(node: SpanNode): Record<string, unknown> {
  return {
    trace_id: node.traceId,
    span_id: node.spanId,
    parent_span_id: node.parentSpanId,
    name: node.name,
    kind: node.kind,
    state: node.state,
    status_message: node.statusMessage,
    start: new Date(node.startUs / 1000).toISOString(),
    duration_ms: node.durationMs,
    service: node.service,
    resource: node.resource,
    file: node.file,
    line: node.line,
    function: node.function,
    orphan: node.orphan || undefined,
    attrs: node.attrs,
    events: node.events.map(recordJson),
    logs: node.logs.map(recordJson),
    children: node.children.map(spanJson),
  };
}

function traceJson(trace: TraceTree): Record<string, unknown> {
  return {
    trace_id: trace.traceId,
    services: trace.services,
    span_count: trace.spanCount,
    error_count: trace.errorCount,
    running_count: trace.runningCount,
    cut_off_count: trace.cutOffCount,
    duration_ms: trace.endUs === undefined ? undefined : (trace.endUs - trace.startUs) / 1000,
    logs: trace.logs.map(recordJson),
    roots: trace.roots.map(spanJson),
  };
}

/** The forest as plain JSON for `--json` output (snake_case like the record format). */
export function forestJson(forest: SpanForest): Record<string, unknown> {
  return { traces: forest.traces.map(traceJson), logs: forest.logs.map(recordJson) };
}
