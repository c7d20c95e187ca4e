import type { NormalizedRecord } from '../types.js';
import type { OtlpExportRequest, OtlpLogRecord, OtlpLogsRequest, OtlpResource, OtlpScope, OtlpSpan, OtlpTraceRequest } from './otlpJsonTypes.js';
import { otlpResource, otlpScope, recordLogToOtlp, recordSpanToOtlp, type RecordSpan } from './recordsToOtlp.js';

/** Limits of one export request. */
export interface OtlpBatchLimits {
  /** Spans or log records per request (default 512, the OTel batch processors' default). */
  maxItems?: number;
  /** Approximate bytes per request, measured as OTLP/JSON (default 3 MiB, under gRPC's 4 MiB message limit). */
  maxBytes?: number;
}

/** A record that could not be sent, and why. */
export interface OtlpSkipped {
  record: NormalizedRecord;
  reason: string;
}

interface Group<T> {
  resource: OtlpResource;
  scopes: Map<string, { scope: OtlpScope; items: T[] }>;
}

/** Items of one signal waiting for their request, grouped by resource, then by scope. */
class PendingBatch<T> {
  groups = new Map<string, Group<T>>();
  items = 0;
  bytes = 0;

  add(resource: OtlpResource, scope: OtlpScope, item: T, bytes: number): void {
    const resourceKey = JSON.stringify(resource.attributes);
    let group = this.groups.get(resourceKey);
    if (group === undefined) this.groups.set(resourceKey, (group = { resource, scopes: new Map() }));
    const scopeKey = `${scope.name}\n${scope.version ?? ''}`;
    let scoped = group.scopes.get(scopeKey);
    if (scoped === undefined) group.scopes.set(scopeKey, (scoped = { scope, items: [] }));
    scoped.items.push(item);
    this.items++;
    this.bytes += bytes;
  }

  take<R>(build: (resource: OtlpResource, scopes: { scope: OtlpScope; items: T[] }[]) => R): R[] {
    const out = [...this.groups.values()].map((group) => build(group.resource, [...group.scopes.values()]));
    this.groups = new Map();
    this.items = 0;
    this.bytes = 0;
    return out;
  }
}

const DEFAULT_MAX_ITEMS = 512;
const DEFAULT_MAX_BYTES = 3 * 1024 * 1024;

const spanKey = (record: NormalizedRecord): string => `${record.traceId ?? ''}:${record.spanId ?? ''}`;

/**
 * Turns a stream of records into OTLP export requests: pairs each span's start, events and end into one OTLP
 * span (sent once its end arrives), maps log records, and cuts requests by item count and size. `end()`
 * sends the spans that never ended as cut off (see CUT_OFF_ATTRIBUTE).
 */
export class OtlpRequestBuilder {
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly open = new Map<string, RecordSpan>();
  // Spans already sent: a late start or a repeated end of one of them is not a second span.
  private readonly sent = new Set<string>();
  // The latest time seen per trace: the end time of a span that never ends.
  private readonly lastSeen = new Map<string, number>();
  private readonly spans = new PendingBatch<OtlpSpan>();
  private readonly logs = new PendingBatch<OtlpLogRecord>();
  /** Records that were not sent, with the reason. */
  readonly skipped: OtlpSkipped[] = [];
  /** Spans sent without an end record (marked with CUT_OFF_ATTRIBUTE). */
  cutOff = 0;

  constructor(limits: OtlpBatchLimits = {}) {
    this.maxItems = limits.maxItems ?? DEFAULT_MAX_ITEMS;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Adds one record; returns the requests that became full. */
  push(record: NormalizedRecord): OtlpExportRequest[] {
    if (record.traceId !== undefined) this.lastSeen.set(record.traceId, Math.max(this.lastSeen.get(record.traceId) ?? 0, record.timeUs));
    if (record.type === 'log') return this.fill(this.logs, record, recordLogToOtlp(record), () => this.flushLogs());
    const key = spanKey(record);
    if (this.sent.has(key)) {
      if (record.type === 'span_event') this.skipped.push({ record, reason: 'span event after its span had ended and been sent' });
      return [];
    }
    let span = this.open.get(key);
    if (span === undefined) this.open.set(key, (span = { events: [] }));
    if (record.type === 'span_start') span.start = record;
    else if (record.type === 'span_event') span.events.push(record);
    else span.end = record;
    if (span.end === undefined) return [];
    this.open.delete(key);
    this.sent.add(key);
    return this.fill(this.spans, span.end, recordSpanToOtlp(span), () => this.flushSpans());
  }

  /** Ends the input: sends the spans that never ended (cut off) and every request still being filled. */
  end(): OtlpExportRequest[] {
    const out: OtlpExportRequest[] = [];
    for (const span of this.open.values()) {
      if (span.start === undefined) {
        for (const record of span.events) this.skipped.push({ record, reason: 'span event of a span with neither a start nor an end record' });
        continue;
      }
      const lastSeenUs = this.lastSeen.get(span.start.traceId ?? '');
      if (lastSeenUs !== undefined) span.lastSeenUs = lastSeenUs;
      this.cutOff++;
      out.push(...this.fill(this.spans, span.start, recordSpanToOtlp(span), () => this.flushSpans()));
    }
    this.open.clear();
    out.push(...this.flushSpans(), ...this.flushLogs());
    return out;
  }

  /** Adds an item to its pending request, first sending that request if the item would overflow it. */
  private fill<T>(batch: PendingBatch<T>, record: NormalizedRecord, item: T, flush: () => OtlpExportRequest[]): OtlpExportRequest[] {
    const bytes = JSON.stringify(item).length;
    const out = batch.items > 0 && batch.bytes + bytes > this.maxBytes ? flush() : [];
    batch.add(otlpResource(record), otlpScope(record), item, bytes);
    if (batch.items >= this.maxItems || batch.bytes >= this.maxBytes) out.push(...flush());
    return out;
  }

  private flushSpans(): OtlpExportRequest[] {
    const items = this.spans.items;
    if (items === 0) return [];
    const resourceSpans = this.spans.take((resource, scopes) => ({ resource, scopeSpans: scopes.map(({ scope, items: spans }) => ({ scope, spans })) }));
    const body: OtlpTraceRequest = { resourceSpans };
    return [{ signal: 'traces', body, items }];
  }

  private flushLogs(): OtlpExportRequest[] {
    const items = this.logs.items;
    if (items === 0) return [];
    const resourceLogs = this.logs.take((resource, scopes) => ({ resource, scopeLogs: scopes.map(({ scope, items: logRecords }) => ({ scope, logRecords })) }));
    const body: OtlpLogsRequest = { resourceLogs };
    return [{ signal: 'logs', body, items }];
  }
}
