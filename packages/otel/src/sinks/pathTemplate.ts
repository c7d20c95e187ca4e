import { hostname } from 'node:os';

/** Placeholders that only a per-run writer (BufferedTrace) can fill: the run's trace id and its number. */
export interface RunPlaceholders {
  /** The run's trace id (32 hex digits). */
  trace_id?: string;
  /** The run's number in this process, from 1. */
  run?: string;
}

/**
 * Expands a trace file path template: `{pid}`, `{date}` (YYYY-MM-DD, UTC), `{time}` (HHMMSS, UTC),
 * `{hostname}`, and, where a run fills them, `{trace_id}` and `{run}`. Unknown placeholders are an error that names them.
 */
export function resolvePathTemplate(template: string, now: Date = new Date(), run?: RunPlaceholders): string {
  const iso = now.toISOString();
  const values: Record<string, string | undefined> = {
    pid: String(process.pid),
    date: iso.slice(0, 10),
    time: iso.slice(11, 19).replace(/:/g, ''),
    hostname: hostname(),
    trace_id: run?.trace_id,
    run: run?.run,
  };
  return template.replace(/\{([^{}]*)\}/g, (match, name: string) => {
    const value = values[name];
    if (value !== undefined) return value;
    if (name === 'trace_id' || name === 'run') {
      throw new Error(
        `trace file path ${JSON.stringify(template)}: ${match} names one run and works only in BufferedTrace's output; use {pid}, {date}, {time} or {hostname}`,
      );
    }
    const known = run === undefined ? '{pid}, {date}, {time} or {hostname}' : '{pid}, {date}, {time}, {hostname}, {trace_id} or {run}';
    throw new Error(`trace file path ${JSON.stringify(template)}: unknown placeholder ${match}; use ${known}`);
  });
}
