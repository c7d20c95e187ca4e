import type { TraceTree } from '@aitrace/forest';

/** Which traces a tool looks at. A source may return more than the scope asks (the tools filter exactly), never fewer. */
export interface TraceScope {
  /** Traces that started at or after this, µs since the epoch. */
  fromUs?: number | undefined;
  /** Traces that started at or before this, µs since the epoch. */
  toUs?: number | undefined;
  /** Traces that involve this service (service.name). */
  service?: string | undefined;
  /** Only traces with a span that has not ended (running or cut off). */
  open?: boolean | undefined;
}

/** The traces of a scope, oldest first. */
export interface TraceSelection {
  traces: readonly TraceTree[];
  /** Why some traces of the scope were left out (the source reads a bounded window), told with the answer; undefined when none were. */
  omitted?: string | undefined;
}

/** Where the MCP tools read traces from: files followed as they grow, or a trace server's store (in process or over HTTP). */
export interface TraceSource {
  /** The traces of a scope as they are now (spans without an end are running while their writer is live, cut off after). */
  traces(scope: TraceScope): Promise<TraceSelection>;
  /** One trace by its id or a unique prefix of it; an unknown or ambiguous id is an `InputError` that names it. */
  trace(id: string): Promise<TraceTree>;
  /** What the source could not read (bad lines, unreadable files), newest last; told to the agent with answers. */
  problems(): readonly string[];
  /** The current time, µs since the epoch, for how long running spans have run. */
  nowUs(): number;
}
