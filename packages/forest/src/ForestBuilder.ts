import type { NormalizedRecord } from '@aitrace/format';
import type { LineRecord } from './LineReader.js';
import type { SpanForest, SpanNode, TraceTree } from './types.js';

/** Options for building a forest. */
export interface ForestOptions {
  /** The source has ended (file fully read, process gone): spans without an end are cut off, not running. */
  ended?: boolean;
  /**
   * For live consumers that run for hours: keep at most this many traces (more only while one `add` touched
   * more). Beyond it the least recently changed trace is forgotten with its de-duplication keys; a later record
   * of it starts the trace anew. Default: all.
   */
  maxTraces?: number;
  /** Keep at most this many logs without a trace id (the most recently added). Default: all. */
  maxLogs?: number;
}

interface SpanEntry {
  start?: NormalizedRecord;
  end?: NormalizedRecord;
  startLine?: number;
  endLine?: number;
  events: NormalizedRecord[];
  logs: NormalizedRecord[];
}

interface TraceState {
  readonly traceId: string;
  /** First-seen order: breaks ties of start time the way one build over all records does. */
  readonly seq: number;
  readonly spans: Map<string, SpanEntry>;
  /** Logs of the trace without a span id. */
  readonly logs: NormalizedRecord[];
  /** De-duplication keys of this trace's records, dropped with the trace. */
  readonly seen: Set<string>;
  /** The built tree; undefined until (re)built. */
  tree: TraceTree | undefined;
  /** The true roots have all ended, so the tree does not depend on whether the source ended. */
  selfEnded: boolean;
  /** Builder version of the last change. */
  version: number;
  /** Position in the last forest's traces; -1 when not in it. */
  index: number;
  forgotten: boolean;
}

const byTime = (a: NormalizedRecord, b: NormalizedRecord): number => a.timeUs - b.timeUs;
const byStart = (a: TraceState, b: TraceState): number => a.tree!.startUs - b.tree!.startUs || a.seq - b.seq;

// The trace id is left out: keys are kept per trace.
function identity(record: NormalizedRecord): string {
  const base = `${record.type}|${record.spanId ?? ''}|${record.timeUs}|${record.event}|${record.pid ?? ''}`;
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
 * `forest()` returns the current trees. Only the traces that records touched since the last `forest()` are
 * rebuilt; the others keep their tree objects. `version`, `changedTraces` and `trace` let a live view redraw
 * only what changed. Trees are snapshots: a later change builds a new tree instead of editing the old one.
 */
export class ForestBuilder {
  // Ordered by last change (oldest first), so the trace to forget under `maxTraces` is the first.
  private readonly traces = new Map<string, TraceState>();
  private readonly dirty = new Set<TraceState>();
  // The last forest's traces, in order, and their states.
  private ordered: TraceState[] = [];
  private orderedTrees: TraceTree[] = [];
  private orderBroken = false;
  private looseLogs: NormalizedRecord[] = [];
  private looseKeys: string[] = [];
  private readonly looseSeen = new Set<string>();
  private sortedLogs: NormalizedRecord[] | undefined = [];
  private ended: boolean;
  private readonly maxTraces: number;
  private readonly maxLogs: number;
  private nextSeq = 0;
  private current = 0;
  // Which trace changed at which version, oldest first; the older half is dropped when it outgrows the traces.
  private changeIds: string[] = [];
  private changeVersions: number[] = [];
  private changeFloor = 0;
  private cached: SpanForest | undefined;

  constructor(options: ForestOptions = {}) {
    this.ended = options.ended ?? false;
    this.maxTraces = options.maxTraces ?? Number.POSITIVE_INFINITY;
    this.maxLogs = options.maxLogs ?? Number.POSITIVE_INFINITY;
  }

  /** A number that grows with every change to the forest; pass it to `changedTraces` later. */
  get version(): number {
    return this.current;
  }

  /** Adds records (plain or with line numbers); returns how many were new. */
  add(records: Iterable<NormalizedRecord | LineRecord>): number {
    let added = 0;
    const version = this.current + 1;
    for (const item of records) {
      const record = 'record' in item ? item.record : item;
      const traceId = record.traceId;
      if (traceId === undefined) {
        const key = identity(record);
        if (this.looseSeen.has(key)) continue;
        this.looseSeen.add(key);
        this.looseLogs.push(record);
        this.looseKeys.push(key);
        this.sortedLogs = undefined;
        added++;
        continue;
      }
      let trace = this.traces.get(traceId);
      if (trace === undefined) {
        trace = {
          traceId,
          seq: this.nextSeq++,
          spans: new Map(),
          logs: [],
          seen: new Set(),
          tree: undefined,
          selfEnded: false,
          version,
          index: -1,
          forgotten: false,
        };
        this.traces.set(traceId, trace);
        this.touch(trace, version);
      }
      const key = identity(record);
      if (trace.seen.has(key)) continue;
      trace.seen.add(key);
      addTo(trace, record, 'record' in item ? item.line : undefined);
      if (trace.version !== version) this.touch(trace, version);
      added++;
    }
    if (added === 0) return 0;
    this.current = version;
    this.cached = undefined;
    while (this.traces.size > this.maxTraces) {
      const oldest = this.traces.values().next().value!;
      // What this add touched stays, so a caller can still look at all of it.
      if (oldest.version === version) break;
      this.forget(oldest);
    }
    if (this.looseLogs.length > this.maxLogs) {
      const drop = this.looseLogs.length - this.maxLogs;
      for (const key of this.looseKeys.splice(0, drop)) this.looseSeen.delete(key);
      this.looseLogs.splice(0, drop);
    }
    return added;
  }

  /** Marks the source as ended (or live again): spans without an end become cut off. */
  setEnded(ended = true): void {
    if (this.ended === ended) return;
    this.ended = ended;
    const version = this.current + 1;
    let changed = false;
    // Only traces whose own roots have not all ended look different.
    for (const trace of this.traces.values()) {
      if (trace.tree !== undefined && trace.selfEnded) continue;
      this.touch(trace, version, false);
      changed = true;
    }
    if (!changed) return;
    this.current = version;
    this.cached = undefined;
  }

  /**
   * Ids of the traces that changed or were forgotten (see `maxTraces`) after `version`, each once. For a version
   * older than this builder remembers, every trace it holds.
   */
  changedTraces(version: number): string[] {
    if (version < this.changeFloor) return [...this.traces.keys()];
    let low = 0;
    let high = this.changeVersions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.changeVersions[mid]! > version) high = mid;
      else low = mid + 1;
    }
    return [...new Set(this.changeIds.slice(low))];
  }

  /** The current tree of one trace (built now if it changed), or undefined if the builder holds no such trace. */
  trace(traceId: string): TraceTree | undefined {
    const trace = this.traces.get(traceId);
    if (trace === undefined) return undefined;
    trace.tree ??= this.buildTrace(trace);
    return trace.tree;
  }

  /** The builder version at which a trace last changed, or undefined if the builder holds no such trace. */
  traceVersion(traceId: string): number | undefined {
    return this.traces.get(traceId)?.version;
  }

  /** The current forest: traces by start time, each with its trees. */
  forest(): SpanForest {
    if (this.cached !== undefined) return this.cached;
    const previous = this.orderedTrees;
    let inPlace = !this.orderBroken;
    for (const trace of this.dirty) {
      trace.tree ??= this.buildTrace(trace);
      if (trace.index < 0 || previous[trace.index]!.startUs !== trace.tree.startUs) inPlace = false;
    }
    if (inPlace) {
      // The common live case: spans added to traces whose start did not move keep their places.
      this.orderedTrees = previous.slice();
      for (const trace of this.dirty) this.orderedTrees[trace.index] = trace.tree!;
    } else {
      const moved = [...this.dirty].sort(byStart);
      const kept = this.ordered.filter((trace) => !trace.forgotten && !this.dirty.has(trace));
      this.ordered = mergeSorted(kept, moved);
      this.ordered.forEach((trace, i) => (trace.index = i));
      this.orderedTrees = this.ordered.map((trace) => trace.tree!);
    }
    this.dirty.clear();
    this.orderBroken = false;
    this.sortedLogs ??= [...this.looseLogs].sort(byTime);
    this.cached = { traces: this.orderedTrees, logs: this.sortedLogs };
    return this.cached;
  }

  /** Marks a trace for rebuilding; a trace that got records also moves to the recent end of the forgetting order. */
  private touch(trace: TraceState, version: number, gotRecords = true): void {
    trace.version = version;
    trace.tree = undefined;
    this.dirty.add(trace);
    if (gotRecords) {
      this.traces.delete(trace.traceId);
      this.traces.set(trace.traceId, trace);
    }
    this.logChange(trace.traceId, version);
  }

  private forget(trace: TraceState): void {
    this.traces.delete(trace.traceId);
    this.dirty.delete(trace);
    trace.forgotten = true;
    if (trace.index >= 0) this.orderBroken = true;
    this.logChange(trace.traceId, this.current);
  }

  private logChange(traceId: string, version: number): void {
    this.changeIds.push(traceId);
    this.changeVersions.push(version);
    if (this.changeIds.length <= 2 * this.traces.size + 1024) return;
    const drop = this.changeIds.length >>> 1;
    this.changeFloor = this.changeVersions[drop - 1]!;
    this.changeIds.splice(0, drop);
    this.changeVersions.splice(0, drop);
  }

  private buildTrace(trace: TraceState): TraceTree {
    const { traceId, spans } = trace;
    const nodes = new Map<string, SpanNode>();
    const strayLogs: NormalizedRecord[] = [...trace.logs];
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
    trace.selfEnded = trueRoots.length > 0 && trueRoots.every((root) => root.end !== undefined);
    const traceEnded = this.ended || trace.selfEnded;
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

function addTo(trace: TraceState, record: NormalizedRecord, line: number | undefined): void {
  const { spanId } = record;
  if (spanId === undefined) {
    trace.logs.push(record);
    return;
  }
  let entry = trace.spans.get(spanId);
  if (entry === undefined) {
    entry = { events: [], logs: [] };
    trace.spans.set(spanId, entry);
  }
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

/** Merges two lists already in forest order. */
function mergeSorted(a: TraceState[], b: TraceState[]): TraceState[] {
  if (b.length === 0) return a;
  const out: TraceState[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(byStart(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function toNode(traceId: string, spanId: string, entry: SpanEntry): SpanNode {
  const { start, end } = entry;
  const main = (end ?? start)!;
  const startUs =
    start?.timeUs ?? end?.startTimeUs ?? (end !== undefined && end.durationMs !== undefined ? end.timeUs - Math.round(end.durationMs * 1000) : main.timeUs);
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
