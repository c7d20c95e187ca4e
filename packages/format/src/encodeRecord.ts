import { defineData, DEFAULT_VALUE_LIMITS, isPlainJson, stringifyValue, TYPE_TAG, type ValueLimits } from './safeJson.js';
import type { TracerMeta } from './types.js';
import { FORMAT_VERSION, META_KEY } from './version.js';

/** How `encodeRecord` writes a record. */
export interface EncodeOptions {
  /** Also write `timestamp` at the top level, for Elastic and similar tools (default false). */
  compatMode?: boolean;
  /** Limits on string length and nesting depth of user data (default `DEFAULT_VALUE_LIMITS`). */
  limits?: Readonly<ValueLimits>;
}

// Written first, in this order; every other metadata field follows in the writer's insertion order.
const LEADING = new Set<string>(['format_version', 'timestamp', 'event', 'renamed', 'compat']);

// Strings without quotes, backslashes, control characters or surrogates need no escaping.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found here
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal of `text` (`"..."`, escaped as needed), without JSON.stringify for the common plain case. */
export function jsonString(text: string): string {
  return text.length < 5000 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

// Keys repeat from record to record; their quoted form is looked up instead of checked again.
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_LIMIT = 10_000;
// Longer keys are quoted each time: the cache holds repeating keys, not whatever huge string an app passes.
const QUOTED_KEY_LENGTH_LIMIT = 256;

/** A quoted key, prefixed with a comma and followed by a colon: `,"key":`. */
function keyFragment(key: string): string {
  let fragment = quotedKeys.get(key);
  if (fragment === undefined) {
    fragment = `,${jsonString(key)}:`;
    if (quotedKeys.size < QUOTED_KEYS_LIMIT && key.length <= QUOTED_KEY_LENGTH_LIMIT) quotedKeys.set(key, fragment);
  }
  return fragment;
}

/** JSON text of a primitive or an array of primitives exactly as the general encoder writes it, else undefined. */
function flatValue(value: unknown, limits: Readonly<ValueLimits>): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.length <= limits.maxStringLength ? jsonString(value) : undefined;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) && limits.maxDepth >= 2 ? flatArray(value, limits) : undefined;
    default:
      return undefined;
  }
}

function flatArray(items: readonly unknown[], limits: Readonly<ValueLimits>): string | undefined {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const json = item === null ? 'null' : typeof item === 'object' ? undefined : flatValue(item, limits);
    if (json === undefined) return undefined;
    out += i === 0 ? json : `,${json}`;
  }
  return `${out}]`;
}

/**
 * The specialised writer for flat maps of primitives (span attributes): the members `,"key":value` of `data`
 * from its `from`-th key on, byte for byte as `encodeRecord` writes them, with cached key fragments and no
 * intermediate objects. Returns undefined when the general encoder is needed (nested objects, values JSON
 * cannot hold, over-long strings, reserved or `$type` keys, a non-plain object); a throwing getter throws.
 */
export function encodeFlatMembers(data: Readonly<Record<string, unknown>>, from: number, limits: Readonly<ValueLimits>): string | undefined {
  if (limits.maxDepth < 1) return undefined;
  const proto: unknown = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let out = '';
  let index = 0;
  for (const key in data) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) return undefined;
    if (index++ < from) continue;
    if (key === META_KEY || key === TYPE_TAG) return undefined;
    const json = flatValue(data[key], limits);
    if (json === undefined) return undefined;
    out += keyFragment(key) + json;
  }
  return out;
}

/**
 * A record line from prebuilt parts, for writers that build their metadata as JSON themselves (the span
 * processor): `metaMembers` are the members of `__tracer_meta__` after `format_version`, starting with
 * `"timestamp":...,"event":...`, valid JSON; `dataMembers` come from `encodeFlatMembers` (empty for no data).
 */
export function recordFromMembers(metaMembers: string, dataMembers: string): string {
  return `${PREBUILT_HEAD}${metaMembers}}${dataMembers}}`;
}

/** JSON text of a value: primitives inline, the rest through the safe serializer. */
function valueJson(value: unknown, limits: Readonly<ValueLimits>): string {
  switch (typeof value) {
    case 'string':
      return value.length <= limits.maxStringLength ? jsonString(value) : stringifyValue(value, limits);
    case 'number':
      return Number.isFinite(value) ? String(value) : stringifyValue(value, limits);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return stringifyValue(value, limits);
  }
}

/** The user key a colliding key is moved to: `_` is prepended until the name is free. */
function freeKey(key: string, data: Readonly<Record<string, unknown>>, compatMode: boolean, taken: Record<string, string> | undefined): string {
  let candidate = `_${key}`;
  while (Object.prototype.hasOwnProperty.call(data, candidate) || isReserved(candidate, compatMode) || (taken !== undefined && candidate in taken)) {
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
    // The marker itself, not user data that happens to hold a `$type` key (which would be escaped).
    return JSON.stringify({ $type: 'unreadable', reason: error instanceof Error ? error.message : String(error) });
  }
  return valueJson(value, limits);
}

/**
 * Whether a record is the common case: metadata that starts with timestamp and event and has no reserved field,
 * and user data that is plain JSON without colliding keys. Such a record encodes natively (`encodePlain`) and
 * reads back as `plainRecordObject` builds it.
 */
function isPlainRecord(
  meta: Readonly<TracerMeta>,
  data: Readonly<Record<string, unknown>> | undefined,
  compatMode: boolean,
  limits: Readonly<ValueLimits>,
): boolean {
  let index = 0;
  for (const key in meta) {
    if ((index === 0 && key !== 'timestamp') || (index === 1 && key !== 'event') || LEADING_RESERVED.has(key)) return false;
    const value = meta[key];
    if (index++ > 1 && value !== undefined && !isPlainJson(value, limits)) return false;
  }
  if (index < 2 || typeof meta.timestamp !== 'string' || typeof meta.event !== 'string') return false;
  if (data === undefined || data === null) return true;
  if (Object.prototype.hasOwnProperty.call(data, META_KEY) || (compatMode && Object.prototype.hasOwnProperty.call(data, 'timestamp'))) return false;
  return Object.getPrototypeOf(data) === Object.prototype && isPlainJson(data, limits);
}

/** The common case (`isPlainRecord`), serialised natively; undefined when the record is not that case. */
function encodePlain(
  meta: Readonly<TracerMeta>,
  data: Readonly<Record<string, unknown>> | undefined,
  compatMode: boolean,
  limits: Readonly<ValueLimits>,
): string | undefined {
  if (!isPlainRecord(meta, data, compatMode, limits)) return undefined;
  let user = '';
  if (data !== undefined && data !== null) {
    const json = JSON.stringify(data);
    if (json.length > 2) user = `,${json.slice(1, -1)}`;
  }
  const metaJson = JSON.stringify(meta).slice(1, -1);
  const head = compatMode
    ? `{"timestamp":${jsonString(meta.timestamp)},"${META_KEY}":{"format_version":${FORMAT_VERSION},`
    : `{"${META_KEY}":{"format_version":${FORMAT_VERSION},`;
  return `${head}${metaJson}${compatMode ? ',"compat":true' : ''}}${user}}`;
}

/**
 * What `JSON.parse(encodeRecord(meta, data))` gives, built without the text when the record is the common case
 * (`isPlainRecord`, default options); undefined otherwise. The result shares `meta`'s and `data`'s nested values.
 */
export function plainRecordObject(meta: Readonly<TracerMeta>, data?: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  try {
    if (!isPlainRecord(meta, data, false, DEFAULT_VALUE_LIMITS)) return undefined;
  } catch {
    // A getter that throws: encodeRecord marks it unreadable.
    return undefined;
  }
  const tracerMeta: Record<string, unknown> = { format_version: FORMAT_VERSION };
  for (const key in meta) {
    const value = meta[key];
    if (value !== undefined) tracerMeta[key] = value;
  }
  const record: Record<string, unknown> = { [META_KEY]: tracerMeta };
  if (data !== undefined && data !== null) for (const key in data) defineData(record, key, data[key]);
  return record;
}

const LEADING_RESERVED = new Set<string>(['format_version', 'renamed', 'compat']);

// What every prebuilt line starts with; the metadata members follow.
const PREBUILT_HEAD = `{"${META_KEY}":{"format_version":${FORMAT_VERSION},`;

/**
 * Encodes one record as a single JSON line (without the trailing newline): metadata under `__tracer_meta__`,
 * user data at the top level. User keys that collide with reserved keys are moved aside and listed in
 * `__tracer_meta__.renamed`; values JSON cannot hold are tagged (see TRACE_RECORD.md). Never throws.
 */
export function encodeRecord(meta: Readonly<TracerMeta>, data?: Readonly<Record<string, unknown>>, options?: EncodeOptions): string {
  const compatMode = options?.compatMode === true;
  const limits = options?.limits ?? DEFAULT_VALUE_LIMITS;
  try {
    const plain = encodePlain(meta, data, compatMode, limits);
    if (plain !== undefined) return plain;
  } catch {
    // A getter that throws: the general path below marks it unreadable.
  }
  const timestamp = jsonString(String(meta.timestamp));
  // One array joined at the end gives a flat string: cheaper to keep queued than a chain of concatenations.
  const parts: string[] = compatMode ? ['{"timestamp":', timestamp, ',"', META_KEY, '":{'] : ['{"', META_KEY, '":{'];
  parts.push('"format_version":', String(FORMAT_VERSION), ',"timestamp":', timestamp, ',"event":', jsonString(String(meta.event)));
  for (const key in meta) {
    const value = meta[key];
    if (value === undefined || LEADING.has(key)) continue;
    parts.push(keyFragment(key), valueJson(value, limits));
  }
  if (compatMode) parts.push(',"compat":true');

  let renamedAt = -1;
  let renamed: Record<string, string> | undefined;
  if (data !== undefined && data !== null) {
    renamedAt = parts.length;
    parts.push('');
    parts.push('}');
    for (const key of Object.keys(data)) {
      let outKey = key;
      if (isReserved(key, compatMode)) {
        outKey = freeKey(key, data, compatMode, renamed);
        (renamed ??= {})[outKey] = key;
      }
      parts.push(keyFragment(outKey), readValue(data, key, limits));
    }
  } else {
    parts.push('}');
  }
  if (renamed !== undefined) parts[renamedAt] = `,"renamed":${JSON.stringify(renamed)}`;
  parts.push('}');
  return parts.join('');
}
