import { DEFAULT_VALUE_LIMITS, stringifyValue, type ValueLimits } from './safeJson.js';
import type { TracerMeta } from './types.js';
import { FORMAT_VERSION, META_KEY } from './version.js';

/** How `encodeRecord` writes a record. */
export interface EncodeOptions {
  /** Also write `timestamp` at the top level, for Elastic and similar tools (default false). */
  compatMode?: boolean;
  /** Limits on string length and nesting depth of user data (default `DEFAULT_VALUE_LIMITS`). */
  limits?: Readonly<ValueLimits>;
}

// Known metadata fields in the order they are written; format_version, timestamp and event always lead.
const ORDERED_FIELDS = [
  'type',
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'kind',
  'status',
  'status_message',
  'level',
  'severity_number',
  'severity_text',
  'file',
  'line',
  'column',
  'function',
  'provisional',
  'start_time',
  'duration_ms',
  'service',
  'scope',
  'scope_version',
  'pid',
  'links',
  'dropped',
] as const;

const NOT_EXTRA = new Set<string>(['format_version', 'timestamp', 'event', 'renamed', 'compat', ...ORDERED_FIELDS]);

/** The user key a colliding key is moved to: `_` is prepended until the name is free. */
function freeKey(key: string, data: Readonly<Record<string, unknown>>, compatMode: boolean, taken: Record<string, string> | undefined): string {
  let candidate = `_${key}`;
  while (
    Object.prototype.hasOwnProperty.call(data, candidate) ||
    isReserved(candidate, compatMode) ||
    (taken !== undefined && candidate in taken)
  ) {
    candidate = `_${candidate}`;
  }
  return candidate;
}

function isReserved(key: string, compatMode: boolean): boolean {
  return key === META_KEY || (compatMode && key === 'timestamp');
}

function readValue(data: Readonly<Record<string, unknown>>, key: string, limits: Readonly<ValueLimits>): string {
  let value: unknown;
  try {
    value = data[key];
  } catch (error) {
    value = { $type: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  return stringifyValue(value, limits);
}

/**
 * Encodes one record as a single JSON line (without the trailing newline): metadata under `__tracer_meta__`,
 * user data at the top level. User keys that collide with reserved keys are moved aside and listed in
 * `__tracer_meta__.renamed`; values JSON cannot hold are tagged (see TRACE_RECORD.md). Never throws.
 */
export function encodeRecord(meta: Readonly<TracerMeta>, data?: Readonly<Record<string, unknown>>, options?: EncodeOptions): string {
  const compatMode = options?.compatMode === true;
  const limits = options?.limits ?? DEFAULT_VALUE_LIMITS;
  const timestamp = JSON.stringify(String(meta.timestamp));

  let user = '';
  let renamed: Record<string, string> | undefined;
  if (data !== undefined && data !== null) {
    for (const key of Object.keys(data)) {
      let outKey = key;
      if (isReserved(key, compatMode)) {
        outKey = freeKey(key, data, compatMode, renamed);
        (renamed ??= {})[outKey] = key;
      }
      user += `,${JSON.stringify(outKey)}:${readValue(data, key, limits)}`;
    }
  }

  let out = compatMode ? `{"timestamp":${timestamp},"${META_KEY}":{` : `{"${META_KEY}":{`;
  out += `"format_version":${FORMAT_VERSION},"timestamp":${timestamp},"event":${JSON.stringify(String(meta.event))}`;
  for (const field of ORDERED_FIELDS) {
    const value = meta[field];
    if (value === undefined) continue;
    out += typeof value === 'string' ? `,"${field}":${JSON.stringify(value)}` : `,"${field}":${stringifyValue(value, limits)}`;
  }
  for (const key of Object.keys(meta)) {
    if (NOT_EXTRA.has(key) || meta[key] === undefined) continue;
    out += `,${JSON.stringify(key)}:${stringifyValue(meta[key], limits)}`;
  }
  if (compatMode) out += ',"compat":true';
  if (renamed !== undefined) out += `,"renamed":${JSON.stringify(renamed)}`;
  return `${out}}${user}}`;
}
