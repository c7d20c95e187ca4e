import { encodeRecord, formatEpochMicros, normalizeRecord, type NormalizedRecord, type StatusName, type TracerMeta } from '@aitrace/format';
import { buildSpanForest, type SpanNode, type TraceTree } from '@aitrace/forest';

/** Time zero of test traces, µs since the epoch (2025-10-26T12:00:00Z). */
export const T0_US = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;

/** The trace id test spans get unless told otherwise. */
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A 16-hex span id from a number (1 and up). */
export function spanIdOf(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** A test span; times in ms after T0, ids as numbers. */
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

function record(meta: TracerMeta, attrs: Record<string, unknown> = {}): NormalizedRecord {
  const result = normalizeRecord(JSON.parse(encodeRecord(meta, attrs)));
  if (!result.ok) throw new Error(`bad test record: ${JSON.stringify(result.problems)}`);
  return result.record;
}

/** The start record of a test span, and its end record when it has `endMs`. */
export function spanRecords(span: TestSpan): NormalizedRecord[] {
  const base: Partial<TracerMeta> = {
    trace_id: span.trace ?? TRACE_ID,
    span_id: spanIdOf(span.id),
    name: span.name,
    ...(span.parent !== undefined ? { parent_span_id: spanIdOf(span.parent) } : {}),
    ...(span.service !== undefined ? { service: span.service } : {}),
  };
  const startTime = formatEpochMicros(T0_US + span.startMs * 1000);
  const records = [record({ ...base, timestamp: startTime, event: `${span.name}.start`, type: 'span_start', provisional: true }, span.attrs)];
  if (span.endMs !== undefined) {
    records.push(
      record(
        {
          ...base,
          timestamp: formatEpochMicros(T0_US + span.endMs * 1000),
          event: `${span.name}.end`,
          type: 'span_end',
          status: span.status ?? 'ok',
          ...(span.statusMessage !== undefined ? { status_message: span.statusMessage } : {}),
          start_time: startTime,
          duration_ms: span.endMs - span.startMs,
        },
        span.attrs,
      ),
    );
  }
  return records;
}

/** A log record in a test span (or in no span). */
export function logRecord(
  event: string,
  atMs: number,
  options: { span?: number; trace?: string; attrs?: Record<string, unknown>; service?: string } = {},
): NormalizedRecord {
  return record(
    {
      timestamp: formatEpochMicros(T0_US + atMs * 1000),
      event,
      type: 'log',
      level: 'info',
      trace_id: options.trace ?? TRACE_ID,
      ...(options.span !== undefined ? { span_id: spanIdOf(options.span) } : {}),
      ...(options.service !== undefined ? { service: options.service } : {}),
    },
    options.attrs,
  );
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
