/** Readers for the building blocks of OTLP/JSON (protobuf JSON encoding): AnyValue, KeyValue lists, ids, times. */

import { DEFAULT_VALUE_LIMITS } from '@aitrace/format';

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
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return undefined;
  const big = BigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
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
    Object.defineProperty(out, pair.key, { value: anyValue(pair.value, depth), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A trace or span id as lower-case hex. OTLP/JSON sends hex (the OTel SDKs do); base64 (the generic protobuf
 * JSON mapping of bytes) is accepted too, told apart by length. Empty means absent; undefined means invalid.
 */
export function otlpId(value: unknown, bytes: number): string | '' | undefined {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') return undefined;
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return /^0+$/.test(value) ? undefined : value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+=*$/.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes && decoded.some((b) => b !== 0)) return decoded.toString('hex');
  }
  return undefined;
}

/** A `...UnixNano` time (string or number) as µs since the epoch; undefined when absent or zero. */
export function nanosToMicros(value: unknown): number | undefined {
  let nanos: bigint;
  if (typeof value === 'string' && /^\d+$/.test(value)) nanos = BigInt(value);
  else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) nanos = BigInt(Math.round(value));
  else return undefined;
  return nanos === 0n ? undefined : Number(nanos / 1000n);
}

/** The resource fields aitrace records carry: `service.name` and `process.pid`. */
export function resourceMeta(resource: unknown): { service?: string; pid?: number } {
  const attributes = keyValues(asObject(resource)?.attributes);
  const out: { service?: string; pid?: number } = {};
  if (typeof attributes['service.name'] === 'string') out.service = attributes['service.name'];
  if (typeof attributes['process.pid'] === 'number') out.pid = attributes['process.pid'];
  return out;
}

/** The scope fields aitrace records carry. */
export function scopeMeta(scope: unknown): { scope?: string; scope_version?: string } {
  const object = asObject(scope);
  const out: { scope?: string; scope_version?: string } = {};
  if (typeof object?.name === 'string' && object.name !== '') out.scope = object.name;
  if (typeof object?.version === 'string' && object.version !== '') out.scope_version = object.version;
  return out;
}

/** Call-site metadata from the `code.*` semantic-convention attributes (current and older names). */
export function codeLocation(attributes: Record<string, unknown>): { file?: string; line?: number; column?: number; function?: string } {
  const out: { file?: string; line?: number; column?: number; function?: string } = {};
  const file = attributes['code.file.path'] ?? attributes['code.filepath'];
  const line = attributes['code.line.number'] ?? attributes['code.lineno'];
  const column = attributes['code.column.number'] ?? attributes['code.column'];
  const fn = attributes['code.function.name'] ?? attributes['code.function'];
  if (typeof file === 'string') out.file = file;
  if (typeof line === 'number' && Number.isInteger(line) && line >= 1) out.line = line;
  if (typeof column === 'number' && Number.isInteger(column) && column >= 1) out.column = column;
  if (typeof fn === 'string') out.function = fn;
  return out;
}
