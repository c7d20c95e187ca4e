import { formatDuration } from '@aitrace/format';

// The one duration formatter, re-exported so the views keep importing their time formats from one module.
export { formatDuration };

/** An offset from the trace start, µs: `+12.3ms`. */
export function formatOffset(us: number): string {
  return `+${formatDuration(us / 1000)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local date and time to the second: `2025-10-26 12:34:15`. */
export function formatLocalDateTime(us: number): string {
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local time of day to the millisecond: `12:34:15.193`. */
export function formatLocalTime(us: number): string {
  const d = new Date(us / 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
