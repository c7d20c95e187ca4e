/** Readers for the building blocks of the OTLP object model (protobuf JSON encoding): AnyValue, KeyValue lists, ids, times. */

import { DEFAULT_VALUE_LIMITS, defineData } from '../safeJson.js';
import type { HrTimeInput, ResourceInput, ScopeInput } from '../otel/TelemetryInput.js';

/** The value as a plain object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The value as an array (missing means empty), or undefined when it is something else. */
export function asArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : undefined;
}

/** An int64 as JSON sends it (a string or a number): a number when exact, else a BigInt. */
function int64(value: unknown): number | bigint | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return undefined;
  return int64(BigInt(value));
}

// encodeRecord cuts values nested deeper than its limit with a marker; converting further would only risk the stack.
const MAX_DEPTH = DEFAULT_VALUE_LIMITS.maxDepth + 1;

/** Converts an OTLP AnyValue (`{stringValue}`, `{intValue}`, `{arrayValue: {values}}`...) to a JS value. */
export function anyValue(value: unknown, depth = 0): unknown {
  const object = asObject(value);
  if (object === undefined || depth > MAX_DEPTH) return null;
  if ('stringValue' in object) return object.stringValue;
  if ('boolValue' in object) return object.boolValue;
  if ('intValue' in object) return int64(object.intValue) ?? null;
  if ('doubleValue' in object) {
    const double = object.doubleValue;
    // proto3 JSON writes NaN and the infinities as strings.
    return typeof double === 'string' ? Number(double) : double;
  }
  if ('arrayValue' in object) return (asArray(asObject(object.arrayValue)?.values) ?? []).map((item) => anyValue(item, depth + 1));
  if ('kvlistValue' in object) return keyValues(asObject(object.kvlistValue)?.values, depth + 1);
  if ('bytesValue' in object) return object.bytesValue;
  return null;
}

/** Converts a list of OTLP KeyValue (`[{key, value: AnyValue}]`) to an object. */
export function keyValues(list: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of asArray(list) ?? []) {
    const pair = asObject(item);
    if (pair === undefined || typeof pair.key !== 'string') continue;
    defineData(out, pair.key, anyValue(pair.value, depth));
  }
  return out;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hexOf(bytes: ArrayLike<number>): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX_BYTE[bytes[i]!];
  return hex;
}

/** The bytes of a base64 (or base64url) text, or undefined when it is not base64. */
function base64Bytes(text: string): number[] | undefined {
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  const bytes: number[] = [];
  for (let i = 0; i < binary.length; i++) bytes.push(binary.charCodeAt(i));
  return bytes;
}

/**
 * A trace or span id as lower-case hex. OTLP/JSON sends hex (the OTel SDKs do); base64 (the generic protobuf
 * JSON mapping of bytes) is accepted too, told apart by length, and so are raw bytes (a decoded protobuf).
 * Empty means absent; undefined means invalid.
 */
export function otlpId(value: unknown, bytes: number): string | '' | undefined {
  if (value === undefined || value === null || value === '') return '';
  if (value instanceof Uint8Array) {
    if (value.length === 0) return '';
    return value.length === bytes && value.some((b) => b !== 0) ? hexOf(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return /^0+$/.test(value) ? undefined : value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+=*$/.test(value)) {
    const decoded = base64Bytes(value);
    if (decoded !== undefined && decoded.length === bytes && decoded.some((b) => b !== 0)) return hexOf(decoded);
  }
  return undefined;
}

/** A `...UnixNano` time (a decimal string, a number or a BigInt) as HrTime; undefined when absent, zero or not a time. */
export function nanosToHrTime(value: unknown): HrTimeInput | undefined {
  let digits: string;
  if (typeof value === 'string' && /^\d+$/.test(value)) digits = value;
  else if (typeof value === 'bigint' && value >= 0n) digits = value.toString();
  else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) digits = BigInt(Math.round(value)).toString();
  else return undefined;
  const seconds = digits.length > 9 ? Number(digits.slice(0, -9)) : 0;
  const nanos = Number(digits.slice(-9));
  return seconds === 0 && nanos === 0 ? undefined : [seconds, nanos];
}

/** An OTLP Resource as the mapping's resource. */
export function otlpResource(resource: unknown): ResourceInput {
  return { attributes: keyValues(asObject(resource)?.attributes) };
}

/** An OTLP InstrumentationScope as the mapping's scope; undefined when it has no name. */
export function otlpScope(scope: unknown): ScopeInput | undefined {
  const object = asObject(scope);
  if (typeof object?.name !== 'string' || object.name === '') return undefined;
  return typeof object.version === 'string' && object.version !== '' ? { name: object.name, version: object.version } : { name: object.name };
}
