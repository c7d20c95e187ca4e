import { formatEpochMicros, type NormalizedRecord } from '@aitrace/format';
import type { SpanNode, TraceTree } from '@aitrace/forest';
import type { TraceEntry } from './traceEntries.js';

/** Everything known about an entry, as one JSON-ready object for the details view. */
export function detailsOf(entry: TraceEntry): Record<string, unknown> {
  switch (entry.kind) {
    case 'file':
      return {
        file: entry.file.path,
        records: entry.file.recordCount,
        traces: entry.file.forest().traces.length,
        bad_lines: entry.file.problems.map((problem) => ({ line: problem.line, ...(problem.field !== undefined ? { field: problem.field } : {}), message: problem.message })),
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
