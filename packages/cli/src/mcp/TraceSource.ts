import type { SpanForest } from '@aitrace/forest';

/** Where the MCP tools read traces from: files followed as they grow now, a running `aitrace serve` later. */
export interface TraceSource {
  /** The traces as they are now (spans without an end are running while the writer is live, cut off after). */
  forest(): Promise<SpanForest>;
  /** What the source could not read (bad lines, unreadable files), newest last; told to the agent with answers. */
  problems(): readonly string[];
  /** The current time, µs since the epoch, for how long running spans have run. */
  nowUs(): number;
}
