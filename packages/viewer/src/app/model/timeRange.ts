import { formatEpochMicros, parseTimestamp } from '@aitrace/format';

/** The time range presets of the picker, by their URL name. */
export const RANGE_PRESETS = { '5m': 5 * 60e6, '1h': 3600e6, '24h': 86_400e6 } as const;

/** A preset's URL name. */
export type RangePreset = keyof typeof RANGE_PRESETS;

/** What a list shows in time: everything, the last minutes or hours up to now, or a fixed span (µs since the epoch). */
export type TimeRange = { kind: 'all' } | { kind: 'last'; preset: RangePreset } | { kind: 'custom'; fromUs?: number; toUs?: number };

/** The range as concrete bounds at `nowUs`; missing bounds are open. */
export interface TimeBounds {
  fromUs?: number;
  toUs?: number;
}

const isPreset = (text: string): text is RangePreset => Object.prototype.hasOwnProperty.call(RANGE_PRESETS, text);

/** A time in the URL: epoch µs digits, or an ISO 8601 timestamp (as the server reads them). */
function readTime(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const us = /^\d+$/.test(text) ? Number(text) : parseTimestamp(text);
  return Number.isSafeInteger(us) ? us : undefined;
}

/** Reads `range=5m|1h|24h`, or `from`/`to` (ISO 8601 or epoch µs); anything else is all time. */
export function rangeFromParams(params: URLSearchParams): TimeRange {
  const preset = params.get('range');
  if (preset !== null && isPreset(preset)) return { kind: 'last', preset };
  const fromUs = readTime(params.get('from'));
  const toUs = readTime(params.get('to'));
  if (fromUs === undefined && toUs === undefined) return { kind: 'all' };
  const range: TimeRange = { kind: 'custom' };
  if (fromUs !== undefined) range.fromUs = fromUs;
  if (toUs !== undefined) range.toUs = toUs;
  return range;
}

/** Writes a range into URL parameters (the inverse of `rangeFromParams`); custom bounds as ISO 8601 to the µs (read back exactly). */
export function rangeToParams(range: TimeRange, params: URLSearchParams): void {
  if (range.kind === 'last') params.set('range', range.preset);
  if (range.kind !== 'custom') return;
  if (range.fromUs !== undefined) params.set('from', formatEpochMicros(range.fromUs));
  if (range.toUs !== undefined) params.set('to', formatEpochMicros(range.toUs));
}

/** The bounds of a range at `nowUs` (a preset ends now and starts its length before). */
export function rangeBounds(range: TimeRange, nowUs: number): TimeBounds {
  if (range.kind === 'last') return { fromUs: nowUs - RANGE_PRESETS[range.preset] };
  if (range.kind === 'custom')
    return { ...(range.fromUs !== undefined ? { fromUs: range.fromUs } : {}), ...(range.toUs !== undefined ? { toUs: range.toUs } : {}) };
  return {};
}

/** The bounds as API parameters `from`/`to` (epoch µs). */
export function boundsToParams(bounds: TimeBounds, params: URLSearchParams): void {
  if (bounds.fromUs !== undefined) params.set('from', String(Math.floor(bounds.fromUs)));
  if (bounds.toUs !== undefined) params.set('to', String(Math.ceil(bounds.toUs)));
}

/** Whether an instant lies within bounds. */
export function withinBounds(bounds: TimeBounds, us: number): boolean {
  return (bounds.fromUs === undefined || us >= bounds.fromUs) && (bounds.toUs === undefined || us <= bounds.toUs);
}
