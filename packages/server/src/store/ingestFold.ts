import { createHash } from 'node:crypto';
import { environmentOf, serviceVersionOf, type NormalizedRecord } from '@aitrace/format';
import {
  hasGenAi,
  isSpanRecord,
  mergeSpanRecords,
  newTraceTally,
  spanGenAi,
  spanStartUs,
  tallyRecord,
  tallySpan,
  type SpanGenAi,
  type TraceTally,
} from '@aitrace/forest';

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
  /** The span's GenAI facts (models, conversation, usage), if it has any. */
  genAi: SpanGenAi | undefined;
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

/** What a batch changes: span rows to upsert, trace tallies to save, and the records as stored. */
export interface FoldedBatch {
  spans: SpanWrite[];
  tallies: TraceTally[];
  /** Traces whose GenAI totals must be rolled up again from their stored spans (after the spans are written). */
  genAiTraces: Set<string>;
  stored: NormalizedRecord[];
}

/** A row of the `traces` table, as both stores read and write it (JSON arrays as text). */
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
  input_tokens: number | null;
  output_tokens: number | null;
  models: string;
  conversations: string;
}

/** The tally kept in a trace row. */
export function toTally(row: TraceRow): TraceTally {
  return {
    traceId: row.trace_id,
    rootSpanId: row.root_span_id,
    rootName: row.root_name,
    rootParentless: row.root_parentless === 1,
    rootStartUs: row.root_start_us,
    service: row.service,
    startUs: row.start_us,
    endUs: row.end_us,
    lastUs: row.last_us,
    spanCount: row.span_count,
    errorCount: row.error_count,
    runningCount: row.running_count,
    recordCount: row.record_count,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    models: JSON.parse(row.models) as string[],
    conversations: JSON.parse(row.conversations) as string[],
  };
}

/** The trace row of a tally. */
export function fromTally(tally: TraceTally): TraceRow {
  return {
    trace_id: tally.traceId,
    root_span_id: tally.rootSpanId,
    root_name: tally.rootName,
    root_parentless: Number(tally.rootParentless),
    root_start_us: tally.rootStartUs,
    service: tally.service,
    start_us: tally.startUs,
    end_us: tally.endUs,
    last_us: tally.lastUs,
    span_count: tally.spanCount,
    error_count: tally.errorCount,
    running_count: tally.runningCount,
    record_count: tally.recordCount,
    input_tokens: tally.inputTokens,
    output_tokens: tally.outputTokens,
    models: JSON.stringify(tally.models),
    conversations: JSON.stringify(tally.conversations),
  };
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

/** What the store holds before a batch: the span records and trace tallies it touches. */
export interface StoredState {
  span(traceId: string, spanId: string): NormalizedRecord | undefined;
  tally(traceId: string): TraceTally | undefined;
}

/**
 * Folds a grouped batch into what to write, given the stored state and which of its other records were new
 * (`inserted`: a repeat of a stored record changes nothing), with forest's trace tally: spans merge with their
 * stored record, so a start or end stored again is a no-op.
 */
export function foldBatch(batch: GroupedBatch, state: StoredState, inserted: ReadonlySet<string>): FoldedBatch {
  const touched = new Map<string, TraceTally>();
  const tallyOf = (traceId: string, timeUs: number): TraceTally => {
    let tally = touched.get(traceId);
    if (tally === undefined) {
      tally = state.tally(traceId) ?? newTraceTally(traceId, timeUs);
      touched.set(traceId, tally);
    }
    return tally;
  };
  const stored: NormalizedRecord[] = [];
  for (const { record, key } of batch.others) {
    if (!inserted.has(key)) continue;
    if (record.traceId !== undefined) tallyRecord(tallyOf(record.traceId, record.timeUs), record);
    stored.push(record);
  }
  const spans: SpanWrite[] = [];
  const genAiTraces = new Set<string>();
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
    const genAi = spanGenAi(next);
    if (genAi !== undefined) genAiTraces.add(traceId);
    spans.push({ traceId, spanId, record: next, startUs, endUs, durationMs: next.durationMs ?? (endUs === null ? null : (endUs - startUs) / 1000), genAi });
    tallySpan(tallyOf(traceId, startUs), spanId, previous, next, lastUs);
    stored.push(next);
  }
  const tallies = [...touched.values()];
  for (const tally of tallies) if (hasGenAi(tally)) genAiTraces.add(tally.traceId);
  return { spans, tallies, genAiTraces, stored: stored.sort((a, b) => a.timeUs - b.timeUs) };
}

/** A stored record from its two columns. */
export function readStoredRecord(record: string, attrs: string): NormalizedRecord {
  return { ...(JSON.parse(record) as Omit<NormalizedRecord, 'attrs'>), attrs: JSON.parse(attrs) as Record<string, unknown> };
}

/** The same record as JSON text, without parsing: the record column is an object without attrs, so attrs are spliced in. */
export function storedRecordJson(record: string, attrs: string): string {
  return `${record.slice(0, -1)},"attrs":${attrs}}`;
}
