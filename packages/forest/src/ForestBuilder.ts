import type { NormalizedRecord } from '@aitrace/format';
import type { LineRecord } from './LineReader.js';
import type { SpanForest, SpanNode, TraceTree } from './types.js';

/** Options for building a forest. */
export interface ForestOptions {
  /** The source has ended (file fully read, process gone): spans without an end are cut off, not running. */
  ended?: boolean;
}

interface SpanEntry {
  start?: NormalizedRecord;
  end?: NormalizedRecord;
  startLine?: number;
  endLine?: number;
  events: NormalizedRecord[];
  logs: NormalizedRecord[];
}

const byTime = (a: NormalizedRecord, b: NormalizedRecord): number => a.timeUs - b.timeUs;

function identity(record: NormalizedRecord): string {
  const base = `${record.type}|${record.traceId ?? ''}|${record.spanId ?? ''}|${record.timeUs}|${record.event}|${record.pid ?? ''}`;
  // Logs and events may share time and name (an instrumentation logs every input message at one instant): their data tells them apart.
  return record.type === 'log' || record.type === 'span_event' ? `${base}|${contentHash(record.attrs)}` : base;
}

/** A short FNV-1a hash of a record's data, so the duplicate check does not keep whole records as keys. */
function contentHash(attrs: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(attrs);
  } catch {
    return '';
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${(hash >>> 0).toString(36)}:${text.length}`;
}

/**
 * Builds span trees incrementally: `add` records as they are read (any order, duplicates ignored), then
 * `forest()` returns the current trees without re-reading anything.
 */
export class ForestBuilder {
  private readonly traces = new Map<string, Map<string, SpanEntry>>();
  private readonly traceLogs = new Map<string, NormalizedRecord[]>();
  private readonly looseLogs: NormalizedRecord[] = [];
  private readonly seen = new Set<string>();
  private ended: boolean;
  private version = 0;
  private cached: { version: number; forest: SpanForest } | undefined;

  constructor(options: ForestOptions = {}) {
    this.ended = options.ended ?? false;
  }

  /** Adds records (plain or with line numbers); returns how many were new. */
  add(records: Iterable<NormalizedRecord | LineRecord>): number {
    let added = 0;
    for (const item of records) {
      const record = 'record' in item ? item.record : item;
      const line = 'record' in item ? item.line : undefined;
      const key = identity(record);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.addOne(record, line);
      added++;
    }
    if (added > 0) this.version++;
    return added;
  }

  /** Marks the source as ended (or live again): spans without an end become cut off. */
  setEnded(ended = true): void {
    if (this.ended !== ended) this.version++;
    this.ended = ended;
  }

  private entry(traceId: string, spanId: string): SpanEntry {
    let spans = this.traces.get(traceId);
    if (spans === undefined) {
      spans = new Map();
      this.traces.set(traceId, spans);
    }
    let entry = spans.get(spanId);
    if (entry === undefined) {
      entry = { events: [], logs: [] };
      spans.set(spanId, entry);
    }
    return entry;
  }

  private addOne(record: NormalizedRecord, line: number | undefined): void {
    const { traceId, spanId } = record;
    if (traceId === undefined) {
      this.looseLogs.push(record);
      return;
    }
    if (spanId === undefined) {
      const logs = this.traceLogs.get(traceId) ?? [];
      logs.push(record);
      this.traceLogs.set(traceId, logs);
      if (!this.traces.has(traceId)) this.traces.set(traceId, new Map());
      return;
    }
    const entry = this.entry(traceId, spanId);
    switch (record.type) {
      case 'span_start':
        entry.start = record;
        if (line !== undefined) entry.startLine = line;
        break;
      case 'span_end':
        entry.end = record;
        if (line !== undefined) entry.endLine = line;
        break;
      case 'span_event':
        entry.events.push(record);
        break;
      default:
        entry.logs.push(record);
    }
  }

  /** The current forest: traces by start time, each with its trees. */
  forest(): SpanForest {
    if (this.cached?.version === this.version) return this.cached.forest;
    const traces: TraceTree[] = [];
    for (const [traceId, spans] of this.traces) traces.push(this.buildTrace(traceId, spans));
    traces.sort((a, b) => a.startUs - b.startUs);
    const forest: SpanForest = { traces, logs: [...this.looseLogs].sort(byTime) };
    this.cached = { version: this.version, forest };
    return forest;
  }

  private buildTrace(traceId: string, spans: Map<string, SpanEntry>): TraceTree {
    const nodes = new Map<string, SpanNode>();
    const strayLogs: NormalizedRecord[] = [...(this.traceLogs.get(traceId) ?? [])];
    for (const [spanId, entry] of spans) {
      if (entry.start === undefined && entry.end === undefined) {
        for (const record of entry.events) strayLogs.push(record);
        for (const record of entry.logs) strayLogs.push(record);
        continue;
      }
      nodes.set(spanId, toNode(traceId, spanId, entry));
    }
    const roots: SpanNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentSpanId !== undefined ? nodes.get(node.parentSpanId) : undefined;
      if (parent !== undefined && parent !== node) parent.children.push(node);
      else {
        node.orphan = node.parentSpanId !== undefined;
        roots.push(node);
      }
    }
    const services = new Set<string>();
    let startUs = Number.POSITIVE_INFINITY;
    let endUs: number | undefined;
    let errorCount = 0;
    for (const node of nodes.values()) {
      node.children.sort((a, b) => a.startUs - b.startUs);
      if (node.service !== undefined) services.add(node.service);
      startUs = Math.min(startUs, node.startUs);
      if (node.endUs !== undefined) endUs = Math.max(endUs ?? 0, node.endUs);
      if (node.state === 'error') errorCount++;
    }
    roots.sort((a, b) => a.startUs - b.startUs);
    // A trace has ended when its true roots have ended; spans still open then were cut off.
    const trueRoots = roots.filter((root) => !root.orphan);
    const traceEnded = this.ended || (trueRoots.length > 0 && trueRoots.every((root) => root.end !== undefined));
    let runningCount = 0;
    let cutOffCount = 0;
    for (const node of nodes.values()) {
      if (node.end !== undefined) continue;
      node.state = traceEnded ? 'cut_off' : 'running';
      if (traceEnded) cutOffCount++;
      else runningCount++;
    }
    if (!Number.isFinite(startUs)) startUs = strayLogs[0]?.timeUs ?? 0;
    return {
      traceId,
      roots,
      startUs,
      endUs,
      spanCount: nodes.size,
      errorCount,
      runningCount,
      cutOffCount,
      services: [...services].sort(),
      logs: strayLogs.sort(byTime),
      ended: traceEnded,
    };
  }
}

function toNode(traceId: string, spanId: string, entry: SpanEntry): SpanNode {
  const { start, end } = entry;
  const main = (end ?? start)!;
  const startUs = start?.timeUs ?? end?.startTimeUs ?? (end !== undefined && end.durationMs !== undefined ? end.timeUs - Math.round(end.durationMs * 1000) : main.timeUs);
  const status = end?.status;
  return {
    traceId,
    spanId,
    parentSpanId: start?.parentSpanId ?? end?.parentSpanId,
    name: main.name ?? main.event,
    kind: end?.kind ?? start?.kind,
    state: end === undefined ? 'running' : status === 'error' ? 'error' : 'ok',
    status,
    statusMessage: end?.statusMessage,
    startUs,
    endUs: end?.timeUs,
    durationMs: end === undefined ? undefined : (end.durationMs ?? (end.timeUs - startUs) / 1000),
    service: main.service ?? start?.service,
    resource: main.resource ?? start?.resource,
    scope: main.scope ?? start?.scope,
    pid: main.pid ?? start?.pid,
    file: main.file ?? start?.file,
    line: main.line ?? start?.line,
    function: main.function ?? start?.function,
    attrs: { ...start?.attrs, ...end?.attrs },
    events: [...entry.events].sort(byTime),
    logs: [...entry.logs].sort(byTime),
    children: [],
    orphan: false,
    start,
    end,
    startLine: entry.startLine,
    endLine: entry.endLine,
  };
}

/** Builds span trees from records in one go (see `ForestBuilder` for incremental use). */
export function buildSpanForest(records: Iterable<NormalizedRecord | LineRecord>, options: ForestOptions = {}): SpanForest {
  const builder = new ForestBuilder(options);
  builder.add(records);
  return builder.forest();
}

/** Calls `visit` for every span of a tree, depth first, with its depth (roots are 0). */
export function walkSpans(roots: readonly SpanNode[], visit: (node: SpanNode, depth: number) => void, depth = 0): void {
  for (const node of roots) {
    visit(node, depth);
    walkSpans(node.children, visit, depth + 1);
  }
}
