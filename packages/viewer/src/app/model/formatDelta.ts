import { formatDuration } from './formatTime.js';

/** A duration difference: `+180ms (+900%)`, `−5.00ms (−50%)`, `±0`; the percentage only when the base is not zero. */
export function formatDelta(deltaMs: number, baseMs: number | undefined): string {
  if (deltaMs === 0) return '±0';
  const sign = deltaMs > 0 ? '+' : '−';
  const percent = baseMs !== undefined && baseMs > 0 ? ` (${sign}${Math.round((Math.abs(deltaMs) / baseMs) * 100)}%)` : '';
  return `${sign}${formatDuration(Math.abs(deltaMs))}${percent}`;
}
