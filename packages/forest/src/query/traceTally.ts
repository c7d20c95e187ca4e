import type { NormalizedRecord } from '@aitrace/format';
import { conversationIdOf, modelsOf, usageOf, type GenAiUsage } from '../genai/genAiView.js';
import { hasUsage, spanListTokens } from '../genai/tokenRollup.js';
import { mergeSpanRecords } from '../mergeSpanRecords.js';
import type { TraceSummary } from './TraceQuery.js';

/** A record that a store keeps as a span row: a span start or end with a trace and span id. */
export function isSpanRecord(record: NormalizedRecord): record is NormalizedRecord & { traceId: string; spanId: string } {
  return (record.type === 'span_start' || record.type === 'span_end') && record.traceId !== undefined && record.spanId !== undefined;
}

/** Start of a span in µs, from a start record or an end record. */
export function spanStartUs(record: NormalizedRecord): number {
  if (record.type === 'span_start') return record.timeUs;
  if (record.startTimeUs !== undefined) return record.startTimeUs;
  return record.durationMs !== undefined ? record.timeUs - Math.round(record.durationMs * 1000) : record.timeUs;
}

/** What the GenAI summary fields need of one span; undefined for a span without models, conversation or usage. */
export interface SpanGenAi {
  models: string[];
  conversation: string | undefined;
  usage: GenAiUsage;
}

/** The GenAI facts of a (merged) span record, as a store keeps them next to the span. */
export function spanGenAi(record: NormalizedRecord): SpanGenAi | undefined {
  const models = modelsOf(record.attrs);
  const conversation = conversationIdOf(record.attrs);
  const usage = usageOf(record.attrs);
  return models.length === 0 && conversation === undefined && !hasUsage(usage) ? undefined : { models, conversation, usage };
}

/**
 * The running totals of one trace, kept by a store between ingests (a row of its traces table) and updated
 * record by record, so the trace list never aggregates spans. `traceSummaryOf` turns it into the summary.
 */
export interface TraceTally {
  traceId: string;
  rootSpanId: string | null;
  rootName: string | null;
  /** Whether the root span has no parent (a parentless span beats an orphan). */
  rootParentless: boolean;
  rootStartUs: number | null;
  service: string | null;
  startUs: number;
  endUs: number | null;
  lastUs: number;
  spanCount: number;
  errorCount: number;
  runningCount: number;
  recordCount: number;
  inputTokens: number | null;
  outputTokens: number | null;
  models: string[];
  conversations: string[];
}

/** The tally of a trace first seen in a record at `timeUs`. */
export function newTraceTally(traceId: string, timeUs: number): TraceTally {
  return {
    traceId,
    rootSpanId: null,
    rootName: null,
    rootParentless: false,
    rootStartUs: null,
    service: null,
    startUs: timeUs,
    endUs: null,
    lastUs: timeUs,
    spanCount: 0,
    errorCount: 0,
    runningCount: 0,
    recordCount: 0,
    inputTokens: null,
    outputTokens: null,
    models: [],
    conversations: [],
  };
}

/** Counts a span event or log of the trace. */
export function tallyRecord(tally: TraceTally, record: NormalizedRecord): void {
  tally.recordCount++;
  tally.startUs = Math.min(tally.startUs, record.timeUs);
  tally.lastUs = Math.max(tally.lastUs, record.timeUs);
  tally.service ??= record.service ?? null;
}

/**
 * Counts a span's new version `next` (merged with the stored `previous`, if any); `lastUs` is the latest time of
 * the span's records in this ingest.
 */
export function tallySpan(tally: TraceTally, spanId: string, previous: NormalizedRecord | undefined, next: NormalizedRecord, lastUs: number): void {
  const startUs = spanStartUs(next);
  if (previous === undefined) {
    tally.spanCount++;
    tally.recordCount++;
  }
  tally.errorCount += Number(next.status === 'error') - Number(previous?.status === 'error');
  tally.runningCount += Number(next.type === 'span_start') - Number(previous?.type === 'span_start');
  tally.startUs = Math.min(tally.startUs, startUs);
  if (next.type === 'span_end') tally.endUs = Math.max(tally.endUs ?? next.timeUs, next.timeUs);
  tally.lastUs = Math.max(tally.lastUs, lastUs);
  // The root: a parentless span beats an orphan, then the earlier start.
  const parentless = next.parentSpanId === undefined;
  const better =
    tally.rootSpanId === null ||
    (parentless && !tally.rootParentless) ||
    (parentless === tally.rootParentless && startUs < (tally.rootStartUs ?? Number.POSITIVE_INFINITY));
  if (tally.rootSpanId !== spanId && !better) return;
  tally.rootSpanId = spanId;
  tally.rootName = next.name ?? null;
  tally.rootParentless = parentless;
  tally.rootStartUs = startUs;
  tally.service = next.service ?? tally.service;
}

/** Sets the GenAI fields from every span of the trace that has GenAI facts (ids and parents of all spans, for the token roll-up). */
export function tallyGenAi(tally: TraceTally, spans: Iterable<{ spanId: string; parentSpanId: string | undefined; genAi: SpanGenAi | undefined }>): void {
  const usage = [];
  const models = new Set<string>();
  const conversations = new Set<string>();
  const none: GenAiUsage = { input: undefined, output: undefined, cached: undefined, reasoning: undefined };
  for (const { spanId, parentSpanId, genAi } of spans) {
    usage.push({ spanId, parentSpanId, usage: genAi?.usage ?? none });
    for (const model of genAi?.models ?? []) models.add(model);
    if (genAi?.conversation !== undefined) conversations.add(genAi.conversation);
  }
  // In span id order, so that a sum of huge (inexact) counts does not depend on the order a store reads its rows.
  const tokens = spanListTokens(usage.sort((a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0)));
  tally.inputTokens = tokens.input ?? null;
  tally.outputTokens = tokens.output ?? null;
  tally.models = [...models].sort();
  tally.conversations = [...conversations].sort();
}

/** Whether the trace's GenAI fields may change when its spans change (a new parent can hide an agent span's own sum). */
export function hasGenAi(tally: TraceTally): boolean {
  return tally.inputTokens !== null || tally.outputTokens !== null || tally.models.length > 0 || tally.conversations.length > 0;
}

/** The trace list's summary of a tally. */
export function traceSummaryOf(tally: TraceTally): TraceSummary {
  return {
    traceId: tally.traceId,
    rootName: tally.rootName,
    rootSpanId: tally.rootSpanId,
    service: tally.service,
    startUs: tally.startUs,
    endUs: tally.endUs,
    durationMs: tally.endUs === null ? null : Math.max(0, tally.endUs - tally.startUs) / 1000,
    spanCount: tally.spanCount,
    errorCount: tally.errorCount,
    runningCount: tally.runningCount,
    recordCount: tally.recordCount,
    lastUs: tally.lastUs,
    inputTokens: tally.inputTokens,
    outputTokens: tally.outputTokens,
    models: tally.models,
    conversations: tally.conversations,
  };
}

/** A trace's records as a store keeps them: each span's records merged into one, and the events and logs. */
export interface StoredTrace {
  traceId: string;
  /** One merged record per span, in the order the spans first appeared. */
  spans: NormalizedRecord[];
  /** Span events and logs, in arrival order. */
  records: NormalizedRecord[];
  summary: TraceSummary;
}

/**
 * Merges and summarises the records of one trace exactly as a store does when it receives them in these ingest
 * batches: in each batch, events and logs are counted first (each distinct one once), then each span once, its records merged (with its
 * stored version, from an earlier batch). This is the reference the SQL stores are tested against, and how the
 * viewer lists the traces of a file (as one batch).
 */
export function storedTrace(traceId: string, batches: readonly (readonly NormalizedRecord[])[]): StoredTrace {
  const stored = new Map<string, NormalizedRecord>();
  const others: NormalizedRecord[] = [];
  let tally: TraceTally | undefined;
  const start = (timeUs: number): TraceTally => (tally ??= newTraceTally(traceId, timeUs));
  // A span event or log identical to one already stored is the same record (a retried batch): stored once.
  const seen = new Set<string>();
  for (const batch of batches) {
    const spans = new Map<string, { previous: NormalizedRecord | undefined; next: NormalizedRecord; lastUs: number }>();
    for (const record of batch) {
      if (record.traceId !== traceId) continue;
      if (isSpanRecord(record)) {
        const entry = spans.get(record.spanId);
        if (entry !== undefined) {
          entry.next = mergeSpanRecords(entry.next, record);
          entry.lastUs = Math.max(entry.lastUs, record.timeUs);
          continue;
        }
        const previous = stored.get(record.spanId);
        spans.set(record.spanId, { previous, next: previous === undefined ? record : mergeSpanRecords(previous, record), lastUs: record.timeUs });
      } else {
        const identity = JSON.stringify(record);
        if (seen.has(identity)) continue;
        seen.add(identity);
        tallyRecord(start(record.timeUs), record);
        others.push(record);
      }
    }
    for (const [spanId, { previous, next, lastUs }] of spans) {
      tallySpan(start(spanStartUs(next)), spanId, previous, next, lastUs);
      stored.set(spanId, next);
    }
  }
  const merged = [...stored.values()];
  const final = start(0);
  tallyGenAi(
    final,
    merged.map((span) => ({ spanId: span.spanId!, parentSpanId: span.parentSpanId, genAi: spanGenAi(span) })),
  );
  return { traceId, spans: merged, records: others, summary: traceSummaryOf(final) };
}
