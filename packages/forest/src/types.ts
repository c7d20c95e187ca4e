import type { NormalizedRecord, SpanKindName, SpanState, StatusName } from '@aitrace/format';

/** A span's state (one of `SPAN_STATES` in @aitrace/format): running, cut off (no end and the trace or file ended), ok, or error. */
export type { SpanState };

/** One span, built from its start and end records, with its events, logs and children. */
export interface SpanNode {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKindName | undefined;
  state: SpanState;
  status: StatusName | undefined;
  statusMessage: string | undefined;
  /** Start time, µs since the epoch. */
  startUs: number;
  /** End time, µs since the epoch (only once ended). */
  endUs: number | undefined;
  durationMs: number | undefined;
  service: string | undefined;
  /** Resource attributes of the span's writer (`service.version`, `deployment.environment.name`, `host.*`...). */
  resource: Record<string, unknown> | undefined;
  scope: string | undefined;
  pid: number | undefined;
  file: string | undefined;
  line: number | undefined;
  function: string | undefined;
  /** Start attributes merged with the final attributes (the end's values win). */
  attrs: Record<string, unknown>;
  /** Span event records (`exception`...), by time. */
  events: NormalizedRecord[];
  /** Log records written inside the span, by time. */
  logs: NormalizedRecord[];
  children: SpanNode[];
  /** True when the span names a parent that is not in the data; it is shown as a root. */
  orphan: boolean;
  /** The provisional start record, if seen. */
  start: NormalizedRecord | undefined;
  /** The final end record, if seen. */
  end: NormalizedRecord | undefined;
  /** Line numbers of the start and end records, when read from a file. */
  startLine: number | undefined;
  endLine: number | undefined;
}

/** One trace: its root spans (true roots and orphans) and counts. */
export interface TraceTree {
  traceId: string;
  roots: SpanNode[];
  /** Earliest start, µs. */
  startUs: number;
  /** Latest end, µs (of the spans that ended). */
  endUs: number | undefined;
  spanCount: number;
  errorCount: number;
  runningCount: number;
  cutOffCount: number;
  services: string[];
  /** Logs and events of this trace whose span never appeared. */
  logs: NormalizedRecord[];
  /** True when every root has ended (the trace is complete). */
  ended: boolean;
}

/** All traces of a source, by start time, plus records that belong to no trace. */
export interface SpanForest {
  traces: TraceTree[];
  /** Logs without a trace id. */
  logs: NormalizedRecord[];
}
