/** One trace as the trace list shows it (the fields of the server's trace summary the viewer uses). */
export interface TraceListItem {
  traceId: string;
  rootName: string | null;
  service: string | null;
  /** µs since the epoch. */
  startUs: number;
  /** Null while no span has ended. */
  durationMs: number | null;
  spanCount: number;
  errorCount: number;
  /** Spans that have not ended (running, or cut off in a file whose writer stopped). */
  runningCount: number;
  /** Input tokens of the trace's model calls (the GenAI roll-up), or null when none reported any. */
  inputTokens?: number | null;
  /** Output tokens, by the same rule. */
  outputTokens?: number | null;
  /** Models the trace's spans name, sorted. */
  models?: string[];
  /** Conversations (`gen_ai.conversation.id`) of the trace's spans, sorted. */
  conversations?: string[];
}

/** One page of the trace list, newest first. */
export interface TraceListPage {
  traces: TraceListItem[];
  /** Pass back for the next page; null on the last page. */
  nextCursor: string | null;
}
