/** `x` with three significant digits at most (`4.08`, `63.3`, `401`), rounded first so `9.996` gives `10.0`. */
function threeDigits(x: number): string {
  for (const decimals of [2, 1]) {
    const text = x.toFixed(decimals);
    if (Number(text) < 10 ** (3 - decimals)) return text;
  }
  return x.toFixed(0);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration in ms as people read it, the same in the CLI, the viewer and VS Code: `850µs`, `4.08ms`, `63.3ms`,
 * `401ms`, `4.51s`, `42.0s`, `2m 05s`, `1h 02m`; `–` when unknown, negative or not finite. Rounding never shows a
 * unit's limit (999.7 ms is `1.00s`, not `1000ms`; 59.99 s is `1m 00s`).
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const us = Math.round(ms * 1000);
  if (us < 1000) return `${us}µs`;
  const inMs = threeDigits(ms);
  if (Number(inMs) < 1000) return `${inMs}ms`;
  const seconds = ms / 1000;
  const inSeconds = threeDigits(seconds);
  if (Number(inSeconds) < 60) return `${inSeconds}s`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 3600) return `${Math.floor(wholeSeconds / 60)}m ${pad2(wholeSeconds % 60)}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}
