/** Id of the `<script type="application/json">` element that carries the trace of a single-file HTML trace. */
export const EMBEDDED_TRACE_ID = 'aitrace-data';

/** A line of the source that could not be read as a record, as the HTML trace reports it. */
export interface EmbeddedProblem {
  line: number;
  message: string;
}

/** What a single-file HTML trace embeds: records in the JSONL wire form, plus what was skipped. */
export interface EmbeddedTrace {
  /** Shown as the page title and in the header (usually the source file name). */
  title: string;
  /** When the HTML was written, ISO-8601. */
  createdAt: string;
  /** The source was still being written: spans without an end show as running, not cut off. */
  live: boolean;
  /** One object per record, as in a trace file line. */
  records: unknown[];
  /** Bad lines of the source, skipped. */
  problems: EmbeddedProblem[];
}
