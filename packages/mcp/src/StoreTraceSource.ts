import { buildSpanForest, type TraceSummary, type TraceTree } from '@aitrace/forest';
import { findTrace, inScope } from './findTrace.js';
import type { CatalogQuery, TraceCatalog } from './TraceCatalog.js';
import type { TraceScope, TraceSelection, TraceSource } from './TraceSource.js';

/** Options for `StoreTraceSource`. */
export interface StoreTraceSourceOptions {
  /** Most traces one answer reads, newest first; older ones are left out with a note that says how to reach them (default 1,000). */
  maxTraces?: number | undefined;
  /** A trace with no new record for this long has lost its writer: its spans without an end are cut off, not running (ms, default 30,000). */
  idleMs?: number | undefined;
  /** The clock, ms since the epoch (default `Date.now`). */
  now?: (() => number) | undefined;
}

/** A trace read from the catalog, kept while its record count and latest time stay the same. */
interface CachedTrace {
  recordCount: number;
  lastUs: number;
  ended: boolean;
  tree: TraceTree;
}

/** Largest page asked of the catalog (the server's own maximum). */
const PAGE_LIMIT = 1000;
/** Traces read from the catalog at the same time. */
const PARALLEL_READS = 8;
/** Pages of candidates looked through to resolve a short trace id prefix. */
const PREFIX_PAGES = 5;

/**
 * The traces of a trace server (its store in process, or its HTTP API): each answer lists the traces of its scope,
 * newest first up to `maxTraces`, and reads their records, reusing the trees of traces that have not changed.
 */
export class StoreTraceSource implements TraceSource {
  private readonly cache = new Map<string, CachedTrace>();
  private readonly maxTraces: number;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(
    private readonly catalog: TraceCatalog,
    options: StoreTraceSourceOptions = {},
  ) {
    this.maxTraces = options.maxTraces ?? 1000;
    this.idleMs = options.idleMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async traces(scope: TraceScope): Promise<TraceSelection> {
    const query: CatalogQuery = {};
    if (scope.fromUs !== undefined) query.fromUs = Math.ceil(scope.fromUs);
    if (scope.toUs !== undefined) query.toUs = Math.floor(scope.toUs);
    if (scope.service !== undefined) query.service = scope.service;
    if (scope.open === true) query.status = 'running';
    const listed: TraceSummary[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.catalog.listTraces({
        ...query,
        limit: Math.min(PAGE_LIMIT, this.maxTraces - listed.length),
        ...(cursor === null ? {} : { cursor }),
      });
      listed.push(...page.traces);
      cursor = page.nextCursor;
    } while (cursor !== null && listed.length < this.maxTraces);
    const trees: TraceTree[] = [];
    for (let at = 0; at < listed.length; at += PARALLEL_READS) {
      for (const tree of await Promise.all(listed.slice(at, at + PARALLEL_READS).map((trace) => this.read(trace)))) if (tree !== undefined) trees.push(tree);
    }
    this.forgetBeyond(listed);
    const traces = trees.filter((tree) => inScope(tree, scope)).sort((a, b) => a.startUs - b.startUs);
    const omitted =
      cursor === null
        ? undefined
        : `only the newest ${this.maxTraces.toLocaleString('en-US')} traces of the server were read; pass since and until (or service) to reach older ones`;
    return { traces, omitted };
  }

  async trace(id: string): Promise<TraceTree> {
    const prefix = id.trim().toLowerCase();
    const candidates: TraceSummary[] = [];
    if (prefix.length >= 32) {
      const listed = await this.catalog.getTraceSummary(prefix);
      if (listed !== undefined) candidates.push(listed);
    } else if (prefix !== '') {
      // A prefix is looked up among the traces whose id (or text) contains it: enough pages to find two.
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await this.catalog.listTraces({ q: prefix, limit: PAGE_LIMIT, ...(cursor === null ? {} : { cursor }) });
        candidates.push(...page.traces.filter((trace) => trace.traceId.startsWith(prefix)));
        cursor = page.nextCursor;
      } while (cursor !== null && candidates.length < 2 && ++pages < PREFIX_PAGES);
    }
    const tree = await this.read(findTrace(candidates, id));
    // Deleted (by retention) between the listing and the read.
    return tree ?? findTrace([], id);
  }

  problems(): readonly string[] {
    return [];
  }

  nowUs(): number {
    return this.now() * 1000;
  }

  /** The tree of a listed trace, from the cache while unchanged; undefined when it was deleted meanwhile. */
  private async read(listed: TraceSummary): Promise<TraceTree | undefined> {
    const ended = this.nowUs() - listed.lastUs > this.idleMs * 1000;
    const cached = this.cache.get(listed.traceId);
    if (cached !== undefined && cached.recordCount === listed.recordCount && cached.lastUs === listed.lastUs && cached.ended === ended) return cached.tree;
    const records = await this.catalog.getTraceRecords(listed.traceId);
    const tree = buildSpanForest(records, { ended }).traces.find((trace) => trace.traceId === listed.traceId);
    if (tree === undefined) {
      this.cache.delete(listed.traceId);
      return undefined;
    }
    this.cache.set(listed.traceId, { recordCount: listed.recordCount, lastUs: listed.lastUs, ended, tree });
    return tree;
  }

  /** Keeps the cache to about `maxTraces` trees: those just listed stay, the longest unused go first. */
  private forgetBeyond(listed: readonly TraceSummary[]): void {
    for (const trace of listed) {
      const entry = this.cache.get(trace.traceId);
      if (entry === undefined) continue;
      this.cache.delete(trace.traceId);
      this.cache.set(trace.traceId, entry);
    }
    for (const key of this.cache.keys()) {
      if (this.cache.size <= this.maxTraces) break;
      this.cache.delete(key);
    }
  }
}
