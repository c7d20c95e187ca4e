import type { NormalizedRecord, StatusName } from '@aitrace/format';
import { buildSpanForest, type SpanNode, type TraceTree } from '@aitrace/forest';
import { logLine, normalized, spanIdOf, spanLines, T0_US, TRACE_ID } from '@aitrace/testing';

export { spanIdOf, T0_US, TRACE_ID } from '@aitrace/testing';

/** A test span of the viewer's tests: times in ms after T0, ids as numbers (made hex by `spanIdOf`). */
export interface TestSpan {
  id: number;
  parent?: number;
  name: string;
  startMs: number;
  endMs?: number;
  status?: StatusName;
  statusMessage?: string;
  service?: string;
  trace?: string;
  attrs?: Record<string, unknown>;
}

/** The start record of a test span, and its end record when it has `endMs`. */
export function spanRecords(span: TestSpan): NormalizedRecord[] {
  const { id, parent, ...rest } = span;
  return spanLines({ ...rest, span: spanIdOf(id), parent: parent === undefined ? undefined : spanIdOf(parent) }).map(normalized);
}

/** A log record in a test span (or in no span). */
export function logRecord(
  event: string,
  atMs: number,
  options: { span?: number; trace?: string; attrs?: Record<string, unknown>; service?: string } = {},
): NormalizedRecord {
  const { span, trace, ...rest } = options;
  return normalized(logLine(event, atMs, { ...rest, trace: trace ?? TRACE_ID, span: span === undefined ? undefined : spanIdOf(span) }));
}

/** The one trace built from test spans and logs. */
export function traceOf(records: NormalizedRecord[], ended = true): TraceTree {
  const trace = buildSpanForest(records, { ended }).traces[0];
  if (trace === undefined) throw new Error('no trace in the test records');
  return trace;
}

/** Records of several test spans. */
export function spans(...list: TestSpan[]): NormalizedRecord[] {
  return list.flatMap(spanRecords);
}

/**
 * A wide synthetic trace of `count` spans built directly as nodes (no records), for tests of large traces:
 * span 1 is the root and span n's parent is `1 + floor((n - 2) / fanout)`.
 */
export function syntheticTrace(count: number, fanout: number): TraceTree {
  const nodes: SpanNode[] = [];
  for (let n = 1; n <= count; n++) {
    const parent = n === 1 ? undefined : nodes[Math.floor((n - 2) / fanout)]!;
    const node: SpanNode = {
      traceId: TRACE_ID,
      spanId: spanIdOf(n),
      parentSpanId: parent?.spanId,
      name: `span${n}`,
      kind: 'internal',
      state: 'ok',
      status: 'ok',
      statusMessage: undefined,
      startUs: T0_US + n,
      endUs: T0_US + 2 * count - n,
      durationMs: (2 * count - 2 * n) / 1000,
      service: undefined,
      resource: undefined,
      scope: undefined,
      pid: undefined,
      file: undefined,
      line: undefined,
      function: undefined,
      attrs: {},
      events: [],
      logs: [],
      children: [],
      orphan: false,
      start: undefined,
      end: undefined,
      startLine: undefined,
      endLine: undefined,
    };
    parent?.children.push(node);
    nodes.push(node);
  }
  const endUs = T0_US + 2 * count - 1;
  return {
    traceId: TRACE_ID,
    roots: nodes.slice(0, 1),
    startUs: T0_US + 1,
    endUs,
    spanCount: count,
    errorCount: 0,
    runningCount: 0,
    cutOffCount: 0,
    services: [],
    logs: [],
    ended: true,
  };
}
