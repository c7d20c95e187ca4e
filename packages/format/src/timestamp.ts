/** Strict form of a v2 timestamp: UTC, exactly six fraction digits. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// Records written within the same second share the date-and-time prefix; caching it keeps the hot path cheap.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

function secondPrefix(epochSeconds: number): string {
  if (epochSeconds !== cachedSecond) {
    cachedSecond = epochSeconds;
    cachedPrefix = new Date(epochSeconds * 1000).toISOString().slice(0, 19);
  }
  return cachedPrefix;
}

function pad6(n: number): string {
  return n >= 100000 ? String(n) : String(n + 1000000).slice(1);
}

/** Formats seconds + nanoseconds since the epoch (OpenTelemetry's HrTime) as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function formatHrTime(time: readonly [number, number]): string {
  const seconds = time[0] + Math.floor(time[1] / 1e9);
  const micros = Math.floor((time[1] % 1e9) / 1000);
  return `${secondPrefix(seconds)}.${pad6(micros)}Z`;
}

/** Formats microseconds since the epoch as a v2 timestamp. */
export function formatEpochMicros(epochMicros: number): string {
  const seconds = Math.floor(epochMicros / 1e6);
  return `${secondPrefix(seconds)}.${pad6(Math.floor(epochMicros - seconds * 1e6))}Z`;
}

/** Formats milliseconds since the epoch (Date.now(), performance.timeOrigin + now()) as a v2 timestamp. */
export function formatEpochMillis(epochMillis: number): string {
  return formatEpochMicros(Math.floor(epochMillis * 1000));
}

const LENIENT_PATTERN = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;

// Readers see long runs of timestamps within the same second: the parsed date-and-time prefix is reused.
let parsedPrefix = '';
let parsedPrefixMillis = Number.NaN;

/** Microseconds of a timestamp in exactly the written form (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), else undefined. */
function parseStrict(text: string): number | undefined {
  if (text.length !== 27 || text.charCodeAt(19) !== 46 || text.charCodeAt(26) !== 90) return undefined;
  let micros = 0;
  for (let i = 20; i < 26; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    micros = micros * 10 + digit;
  }
  const prefix = text.slice(0, 19);
  if (prefix !== parsedPrefix) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(prefix)) return undefined;
    const millis = Date.parse(`${prefix}Z`);
    if (Number.isNaN(millis)) return undefined;
    parsedPrefix = prefix;
    parsedPrefixMillis = millis;
  }
  return parsedPrefixMillis * 1000 + micros;
}

/**
 * Reads an ISO-8601 timestamp (any fraction length, `Z` or an offset; no zone means UTC)
 * and returns microseconds since the epoch, or NaN when it is not a timestamp.
 */
export function parseTimestamp(text: string): number {
  const strict = parseStrict(text);
  if (strict !== undefined) return strict;
  const match = LENIENT_PATTERN.exec(text);
  if (!match) return Number.NaN;
  const [, date, clock, fraction = '', zoneRaw = 'Z'] = match;
  let zone = zoneRaw.toUpperCase();
  if (zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const millis = Date.parse(`${date}T${clock!.length === 5 ? `${clock}:00` : clock}${zone}`);
  if (Number.isNaN(millis)) return Number.NaN;
  const micros = fraction === '' ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  return millis * 1000 + micros;
}
