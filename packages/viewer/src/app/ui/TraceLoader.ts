import type { NormalizedRecord } from '@aitrace/format';
import { ForestBuilder, type TraceTree } from '@aitrace/forest';
import { HttpStatusError } from '../data/HttpStatusError.js';
import type { ViewContext } from './ViewContext.js';

/** What the trace view hears from its loader. */
export interface TraceLoaderEvents {
  /** The trace changed (its first arrival included); `loading`: more of the stored trace is on its way. */
  trace(trace: TraceTree, loading: boolean): void;
  /** Why there is nothing to show: no such trace yet, or loading failed. */
  problem(message: string): void;
}

/**
 * Loads one trace from the source and keeps it current while live: records go into a ForestBuilder, and live
 * bursts become one rebuild each.
 */
export class TraceLoader {
  private readonly builder: ForestBuilder;
  private readonly stopSource: () => void;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private current: TraceTree | undefined;
  /** More of the stored trace is on its way (as last heard), and as last shown. */
  private more = false;
  private shownMore = false;
  private loaded = false;
  private rebuildMs = 0;

  constructor(
    private readonly context: ViewContext,
    readonly traceId: string,
    private readonly events: TraceLoaderEvents,
  ) {
    this.builder = new ForestBuilder({ ended: !context.source.live });
    this.stopSource = context.source.openTrace(traceId, {
      records: (records, more) => this.receive(records, more ?? false),
      missing: () => this.missing(),
      failed: (error) => this.failed(error),
      connection: (connected) => context.setConnection(connected),
    });
    context.setConnection(context.source.live ? false : undefined);
  }

  /** The trace as last delivered. */
  get trace(): TraceTree | undefined {
    return this.current;
  }

  /** Stops loading and live updates. */
  stop(): void {
    this.stopSource();
    clearTimeout(this.updateTimer);
  }

  private receive(records: NormalizedRecord[], more: boolean): void {
    const moreChanged = more !== this.more;
    this.more = more;
    if (this.builder.add(records) === 0 && this.loaded && !moreChanged) return;
    // Live batches arrive in bursts; one rebuild per burst, spaced by twice the last rebuild's cost, keeps a big
    // busy trace responsive.
    this.updateTimer ??= setTimeout(
      () => {
        this.updateTimer = undefined;
        const started = performance.now();
        this.rebuild();
        this.rebuildMs = performance.now() - started;
      },
      this.loaded ? Math.max(50, 2 * this.rebuildMs) : 0,
    );
  }

  private rebuild(): void {
    const trace = this.builder.trace(this.traceId);
    // Unchanged since the last draw (the new records were duplicates or of another trace): nothing to redraw.
    if (trace === undefined || (trace === this.current && this.more === this.shownMore)) return;
    this.loaded = true;
    this.current = trace;
    this.shownMore = this.more;
    this.events.trace(trace, this.more);
  }

  private missing(): void {
    if (this.current !== undefined) return;
    this.events.problem(
      this.context.source.live
        ? `No trace ${this.traceId} is stored (yet). This page shows it as soon as it arrives.`
        : `This file has no trace ${this.traceId}.`,
    );
  }

  private failed(error: Error): void {
    if (error instanceof HttpStatusError && error.needsToken) {
      this.context.askForToken();
      return;
    }
    this.events.problem(`Could not load the trace: ${error.message}`);
  }
}
