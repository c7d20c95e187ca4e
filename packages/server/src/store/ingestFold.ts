import { createHash } from 'node:crypto';
import { environmentOf, serviceVersionOf, type NormalizedRecord } from '@aitrace/format';
import { mergeSpanRecords } from '@aitrace/forest';
import type { TraceSummary } from './TraceStore.js';

/** A trace's stored summary, as both stores keep it (column names). */
export interface TraceRow {
  trace_id: string;
  root_span_id: string | null;
  root_name: string | null;
  root_parentless: number;
  root_start_us: number | null;
  service: string | null;
  start_us: number;
  end_us: number | null;
  last_us: number;
  span_count: number;
  error_count: number;
  running_count: number;
  record_count: number;
}

/** The columns of one record, as both stores write them. */
export interface RecordColumns {
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  timeUs: number;
  name: string | null;
  event: string;
  type: string;
  status: string | null;
  service: string | null;
  level: string | null;
  /** The record without its user data, as JSON. */
  record: string;
  /** The user data, as JSON. */
  attrs: string;
  serviceVersion: string | null;
  environment: string | null;
}

/** One span as it is to be written: the stored record merged with what the batch brought. */
export interface SpanWrite {
  traceId: string;
  spanId: string;
  record: NormalizedRecord;
  startUs: number;
  endUs: number | null;
  durationMs: number | null;
}

/** A span event or log of a batch, with the key that makes storing it again a no-op. */
export interface KeyedRecord {
  record: NormalizedRecord;
  columns: RecordColumns;
  key: string;
}

/** A batch grouped for writing: span records by span, other records keyed (each once). */
export interface GroupedBatch {
  spans: Map<string, { traceId: string; spanId: string; records: NormalizedRecord[] }>;
  others: KeyedRecord[];
}

/** What a batch changes: span rows to upsert, trace rows to save, and the records as stored. */
export interface FoldedBatch {
  spans: SpanWrite[];
  traces: TraceRow[];
  stored: NormalizedRecord[];
}

/** The columns of a record. */
export function recordColumns(record: NormalizedRecord): RecordColumns {
  const { attrs, ...rest } = record;
  return {
    traceId: record.traceId ?? null,
    spanId: record.spanId ?? null,
    parentSpanId: record.parentSpanId ?? null,
    timeUs: record.timeUs,
    name: record.name ?? null,
    event: record.event,
    type: record.type,
    status: record.status ?? null,
    service: record.service ?? null,
    level: record.level ?? null,
    record: JSON.stringify(rest),
    attrs: JSON.stringify(attrs),
    serviceVersion: serviceVersionOf(record.resource) ?? null,
    environment: environmentOf(record.resource) ?? null,
  };
}

/** The identity of a span event or log: a hash of all it holds, so a retried batch stores it once. */
export function recordKey(columns: RecordColumns): string {
  return createHash('sha256').update(columns.record).update('\n').update(columns.attrs).digest('base64url').slice(0, 22);
}

/** Start of a span in µs, from a start record or an end record. */
export function spanStartUs(record: NormalizedRecord): number {
  if (record.type === 'span_start') return record.timeUs;
  if (record.startTimeUs !== undefined) return record.startTimeUs;
  return record.durationMs !== undefined ? record.timeUs - Math.round(record.durationMs * 1000) : record.timeUs;
}

function isSpanRecord(record: NormalizedRecord): record is NormalizedRecord & { traceId: string; spanId: string } {
  return (record.type === 'span_start' || record.type === 'span_end') && record.traceId !== undefined && record.spanId !== undefined;
}

/** The key of a span in `GroupedBatch.spans`. */
export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}\n${spanId}`;
}

/** Groups a batch: the records of each span together (in arrival order), the others keyed, repeats dropped. */
export function groupBatch(records: readonly NormalizedRecord[]): GroupedBatch {
  const spans: GroupedBatch['spans'] = new Map();
  const others: KeyedRecord[] = [];
  const keys = new Set<string>();
  for (const record of records) {
    if (isSpanRecord(record)) {
      const key = spanKey(record.traceId, record.spanId);
      const entry = spans.get(key);
      if (entry === undefined) spans.set(key, { traceId: record.traceId, spanId: record.spanId, records: [record] });
      else entry.records.push(record);
      continue;
    }
    const columns = recordColumns(record);
    const key = recordKey(columns);
    if (keys.has(key)) continue;
    keys.add(key);
    others.push({ record, columns, key });
  }
  return { spans, others };
}

function newTraceRow(traceId: string, timeUs: number): TraceRow {
  return {
    trace_id: traceId, root_span_id: null, root_name: null, root_parentless: 0, root_start_us: null, service: null,
    start_us: timeUs, end_us: null, last_us: timeUs, span_count: 0, error_count: 0, running_count: 0, record_count: 0,
  };
}

/** What the store holds before a batch: the span records and trace rows it touches. */
export interface StoredState {
  span(traceId: string, spanId: string): NormalizedRecord | undefined;
  trace(traceId: string): TraceRow | undefined;
}

/**
 * Folds a grouped batch into what to write, given the stored state and which of its other records were new
 * (`inserted`: a repeat of a stored record changes nothing). Spans merge with their stored record, so a start
 * or end stored again is a no-op; trace rows keep their counts, times and root up to date.
 */
export function foldBatch(batch: GroupedBatch, state: StoredState, inserted: ReadonlySet<string>): FoldedBatch {
  const touched = new Map<string, TraceRow>();
  const traceRow = (traceId: string, timeUs: number): TraceRow => {
    let row = touched.get(traceId);
    if (row === undefined) {
      const stored = state.trace(traceId);
      row = stored === undefined ? newTraceRow(traceId, timeUs) : { ...stored };
      touched.set(traceId, row);
    }
    return row;
  };
  const stored: NormalizedRecord[] = [];
  for (const { record, key } of batch.others) {
    if (!inserted.has(key)) continue;
    if (record.traceId !== undefined) {
      const trace = traceRow(record.traceId, record.timeUs);
      trace.record_count++;
      trace.start_us = Math.min(trace.start_us, record.timeUs);
      trace.last_us = Math.max(trace.last_us, record.timeUs);
      trace.service ??= record.service ?? null;
    }
    stored.push(record);
  }
  const spans: SpanWrite[] = [];
  for (const { traceId, spanId, records } of batch.spans.values()) {
    const previous = state.span(traceId, spanId);
    let next = previous;
    let lastUs = Number.NEGATIVE_INFINITY;
    for (const record of records) {
      next = next === undefined ? record : mergeSpanRecords(next, record);
      lastUs = Math.max(lastUs, record.timeUs);
    }
    if (next === undefined) continue;
    const startUs = spanStartUs(next);
    const endUs = next.type === 'span_end' ? next.timeUs : null;
    spans.push({ traceId, spanId, record: next, startUs, endUs, durationMs: next.durationMs ?? (endUs === null ? null : (endUs - startUs) / 1000) });
    const trace = traceRow(traceId, startUs);
    if (previous === undefined) {
      trace.span_count++;
      trace.record_count++;
    }
    trace.error_count += Number(next.status === 'error') - Number(previous?.status === 'error');
    trace.running_count += Number(next.type === 'span_start') - Number(previous?.type === 'span_start');
    trace.start_us = Math.min(trace.start_us, startUs);
    if (endUs !== null) trace.end_us = Math.max(trace.end_us ?? endUs, endUs);
    trace.last_us = Math.max(trace.last_us, lastUs);
    updateRoot(trace, spanId, next, startUs);
    stored.push(next);
  }
  return { spans, traces: [...touched.values()], stored: stored.sort((a, b) => a.timeUs - b.timeUs) };
}

/** Makes the span the trace's root when it is a better candidate: parentless beats orphan, then earlier start. */
function updateRoot(trace: TraceRow, spanId: string, span: NormalizedRecord, startUs: number): void {
  const parentless = span.parentSpanId === undefined ? 1 : 0;
  const isRoot = trace.root_span_id === spanId;
  const better =
    trace.root_span_id === null ||
    parentless > trace.root_parentless ||
    (parentless === trace.root_parentless && startUs < (trace.root_start_us ?? Number.POSITIVE_INFINITY));
  if (!isRoot && !better) return;
  trace.root_span_id = spanId;
  trace.root_name = span.name ?? null;
  trace.root_parentless = parentless;
  trace.root_start_us = startUs;
  trace.service = span.service ?? trace.service;
}

/** The trace list's summary of a stored trace row. */
export function toSummary(row: TraceRow): TraceSummary {
  return {
    traceId: row.trace_id,
    rootName: row.root_name,
    rootSpanId: row.root_span_id,
    service: row.service,
    startUs: row.start_us,
    endUs: row.end_us,
    durationMs: row.end_us === null ? null : Math.max(0, row.end_us - row.start_us) / 1000,
    spanCount: row.span_count,
    errorCount: row.error_count,
    runningCount: row.running_count,
    recordCount: row.record_count,
    lastUs: row.last_us,
  };
}

/** A stored record from its two columns. */
export function readStoredRecord(record: string, attrs: string): NormalizedRecord {
  return { ...(JSON.parse(record) as Omit<NormalizedRecord, 'attrs'>), attrs: JSON.parse(attrs) as Record<string, unknown> };
}

/** The same record as JSON text, without parsing: the record column is an object without attrs, so attrs are spliced in. */
export function storedRecordJson(record: string, attrs: string): string {
  return `${record.slice(0, -1)},"attrs":${attrs}}`;
}
