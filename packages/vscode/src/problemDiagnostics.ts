import type { TraceProblem } from './TraceFile.js';

/** A diagnostic for one bad line, independent of the editor API: 0-based line, message as `aitrace validate` words it. */
export interface LineDiagnostic {
  line: number;
  message: string;
  /** A line the validator read as a record despite the problem is a warning; an unreadable line is an error. */
  severity: 'error' | 'warning';
}

/** Maps a trace file's problems to one diagnostic each, on the line they name. */
export function toLineDiagnostics(problems: readonly TraceProblem[]): LineDiagnostic[] {
  return problems.map((problem) => ({
    line: problem.line - 1,
    message: problem.field !== undefined ? `${problem.field}: ${problem.message}` : problem.message,
    severity: problem.skipped ? 'error' : 'warning',
  }));
}
