import { hostname } from 'node:os';

/**
 * Expands a trace file path template: `{pid}`, `{date}` (YYYY-MM-DD, UTC), `{time}` (HHMMSS, UTC),
 * `{hostname}`. Unknown placeholders are an error that names them.
 */
export function resolvePathTemplate(template: string, now: Date = new Date()): string {
  const iso = now.toISOString();
  const values: Record<string, string> = {
    pid: String(process.pid),
    date: iso.slice(0, 10),
    time: iso.slice(11, 19).replace(/:/g, ''),
    hostname: hostname(),
  };
  return template.replace(/\{([^{}]*)\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`trace file path ${JSON.stringify(template)}: unknown placeholder ${match}; use {pid}, {date}, {time} or {hostname}`);
    return value;
  });
}
