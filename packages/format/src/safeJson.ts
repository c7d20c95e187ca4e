/** Limits that keep one record bounded; values beyond them are replaced by a tagged marker. */
export interface ValueLimits {
  /** Longest string kept whole, in UTF-16 code units (default 65,536). */
  maxStringLength: number;
  /** Deepest nesting of objects and arrays kept (default 64). */
  maxDepth: number;
}

/** Default limits used by the encoder. */
export const DEFAULT_VALUE_LIMITS: Readonly<ValueLimits> = { maxStringLength: 65536, maxDepth: 64 };

/** The key that marks a tagged value (`{"$type": "bigint", ...}`); see TRACE_RECORD.md, "Values JSON cannot hold". */
export const TYPE_TAG = '$type';

/**
 * True when `value` serialises to JSON exactly as it is: primitives, finite numbers, strings within the limit,
 * and plain objects/arrays of those, within the depth limit, without a `$type` key.
 */
export function isPlainJson(value: unknown, limits: Readonly<ValueLimits>, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= limits.maxStringLength;
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= limits.maxDepth) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!isPlainJson(value[i], limits, depth + 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === TYPE_TAG) return false;
        if (!isPlainJson((value as Record<string, unknown>)[key], limits, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const TYPED_ARRAY_NAMES = new Set([
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function pathToString(path: readonly (string | number)[]): string {
  let out = '$';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  return out;
}

/** A property whose getter threw; encoded as an `unreadable` marker for that property only. */
class Unreadable {
  constructor(readonly reason: string) {}
}

function readProperty(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch (error) {
    return new Unreadable(error instanceof Error ? error.message : String(error));
  }
}

class Sanitizer {
  private readonly ancestors: object[] = [];
  private readonly path: (string | number)[] = [];

  constructor(private readonly limits: Readonly<ValueLimits>) {}

  value(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
        return value.length <= this.limits.maxStringLength
          ? value
          : { [TYPE_TAG]: 'truncated_string', value: value.slice(0, this.limits.maxStringLength), length: value.length };
      case 'number':
        if (Number.isFinite(value)) return value;
        return { [TYPE_TAG]: 'number', value: String(value) };
      case 'boolean':
        return value;
      case 'bigint':
        return { [TYPE_TAG]: 'bigint', value: value.toString() };
      case 'undefined':
        return { [TYPE_TAG]: 'undefined' };
      case 'function':
        return { [TYPE_TAG]: 'function', name: value.name };
      case 'symbol':
        return { [TYPE_TAG]: 'symbol', description: value.description ?? '' };
      default:
        return value === null ? null : this.object(value as object);
    }
  }

  private object(value: object): unknown {
    if (value instanceof Unreadable) return { [TYPE_TAG]: 'unreadable', reason: value.reason };
    const seenAt = this.ancestors.indexOf(value);
    if (seenAt >= 0) return { [TYPE_TAG]: 'circular', ref: pathToString(this.path.slice(0, seenAt)) };
    if (this.ancestors.length >= this.limits.maxDepth) return { [TYPE_TAG]: 'max_depth', depth: this.ancestors.length };
    this.ancestors.push(value);
    try {
      return this.objectBody(value);
    } catch (error) {
      return { [TYPE_TAG]: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    } finally {
      this.ancestors.pop();
    }
  }

  private child(key: string | number, value: unknown): unknown {
    this.path.push(key);
    try {
      return this.value(value);
    } finally {
      this.path.pop();
    }
  }

  private objectBody(value: object): unknown {
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = this.child(i, value[i]);
      return out;
    }
    if (value instanceof Date) {
      const time = value.getTime();
      return Number.isNaN(time) ? { [TYPE_TAG]: 'date', value: 'Invalid Date' } : value.toISOString();
    }
    if (value instanceof Error) return this.error(value);
    if (value instanceof Map) {
      const entries: unknown[] = [];
      let i = 0;
      for (const [k, v] of value) {
        entries.push([this.child(i, k), this.child(i, v)]);
        i++;
      }
      return { [TYPE_TAG]: 'map', entries };
    }
    if (value instanceof Set) {
      const values: unknown[] = [];
      let i = 0;
      for (const v of value) values.push(this.child(i++, v));
      return { [TYPE_TAG]: 'set', values };
    }
    if (value instanceof ArrayBuffer) return { [TYPE_TAG]: 'bytes', base64: bytesToBase64(new Uint8Array(value)) };
    if (ArrayBuffer.isView(value)) return this.view(value);
    if (value instanceof RegExp) return { [TYPE_TAG]: 'regexp', source: value.source, flags: value.flags };
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.value(toJSON.call(value));
    const out: Record<string, unknown> = {};
    let tagged = false;
    for (const key of Object.keys(value)) {
      if (key === TYPE_TAG) tagged = true;
      defineData(out, key, this.child(key, readProperty(value, key)));
    }
    return tagged ? { [TYPE_TAG]: 'object', value: out } : out;
  }

  private view(value: ArrayBufferView): unknown {
    const name = value.constructor.name;
    if (value instanceof Uint8Array && (name === 'Uint8Array' || name === 'Buffer')) {
      return { [TYPE_TAG]: 'bytes', base64: bytesToBase64(value) };
    }
    if (TYPED_ARRAY_NAMES.has(name)) {
      const items = Array.from(value as unknown as ArrayLike<number | bigint>, (item) =>
        typeof item === 'bigint' ? item.toString() : Number.isFinite(item) ? item : String(item),
      );
      return { [TYPE_TAG]: 'typed_array', array: name, values: items };
    }
    return {
      [TYPE_TAG]: 'bytes',
      base64: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
    };
  }

  private error(error: Error): unknown {
    const out: Record<string, unknown> = { [TYPE_TAG]: 'error', name: error.name, message: error.message };
    if (typeof error.stack === 'string') out.stack = this.value(error.stack);
    for (const key of Object.keys(error)) {
      if (key === TYPE_TAG || key === 'name' || key === 'message' || key === 'stack') continue;
      defineData(out, key, this.child(key, readProperty(error, key)));
    }
    if ('cause' in error && !Object.keys(error).includes('cause')) out.cause = this.child('cause', error.cause);
    return out;
  }
}

/** Sets a property as plain data, so keys like `__proto__` stay ordinary own properties. */
export function defineData(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Returns a value that `JSON.stringify` writes without loss where possible: non-JSON values become tagged
 * objects (`{"$type": "bigint", "value": "12"}`), circular references become `{"$type": "circular"}` markers,
 * and strings or nesting beyond `limits` are cut with a marker that says so. Never throws.
 */
export function toJsonSafe(value: unknown, limits: Readonly<ValueLimits> = DEFAULT_VALUE_LIMITS): unknown {
  try {
    return new Sanitizer(limits).value(value);
  } catch (error) {
    return { [TYPE_TAG]: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Serialises one value to JSON text with `toJsonSafe` semantics, fast when it is plain JSON already. */
export function stringifyValue(value: unknown, limits: Readonly<ValueLimits> = DEFAULT_VALUE_LIMITS): string {
  try {
    if (isPlainJson(value, limits)) return JSON.stringify(value);
  } catch {
    // A throwing getter or proxy: the sanitiser below reports it as unreadable.
  }
  return JSON.stringify(toJsonSafe(value, limits)) ?? 'null';
}

function isTagged(value: Record<string, unknown>): value is Record<string, unknown> & { $type: string } {
  return typeof value[TYPE_TAG] === 'string';
}

/**
 * Turns tagged values back into JavaScript values: bigint, NaN/Infinity, Map, Set, bytes (Uint8Array),
 * typed arrays, RegExp, Error, undefined, and `$type: "object"` wrappers. Other markers are returned as they are.
 */
export function reviveValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveValue);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (isTagged(record)) {
    switch (record.$type) {
      case 'bigint':
        if (typeof record.value === 'string') return BigInt(record.value);
        break;
      case 'number':
        if (typeof record.value === 'string') return Number(record.value);
        break;
      case 'undefined':
        return undefined;
      case 'map':
        if (Array.isArray(record.entries)) {
          return new Map(
            record.entries.map((entry) => {
              const [k, v] = entry as [unknown, unknown];
              return [reviveValue(k), reviveValue(v)] as const;
            }),
          );
        }
        break;
      case 'set':
        if (Array.isArray(record.values)) return new Set(record.values.map(reviveValue));
        break;
      case 'bytes':
        if (typeof record.base64 === 'string') return base64ToBytes(record.base64);
        break;
      case 'typed_array': {
        const ctor =
          typeof record.array === 'string' && TYPED_ARRAY_NAMES.has(record.array)
            ? (globalThis as unknown as Record<string, new (items: unknown[]) => unknown>)[record.array]
            : undefined;
        if (ctor && Array.isArray(record.values)) {
          const big = record.array === 'BigInt64Array' || record.array === 'BigUint64Array';
          return new ctor(record.values.map((item) => (big ? BigInt(item as string) : Number(item))));
        }
        break;
      }
      case 'regexp':
        if (typeof record.source === 'string' && typeof record.flags === 'string') {
          return new RegExp(record.source, record.flags);
        }
        break;
      case 'error': {
        const error = new Error(typeof record.message === 'string' ? record.message : '');
        for (const [key, item] of Object.entries(record)) {
          if (key === TYPE_TAG || key === 'message') continue;
          defineData(error as unknown as Record<string, unknown>, key, reviveValue(item));
        }
        return error;
      }
      case 'object':
        if (record.value !== null && typeof record.value === 'object') return reviveObject(record.value as Record<string, unknown>);
        break;
    }
    return value;
  }
  return reviveObject(record);
}

function reviveObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) defineData(out, key, reviveValue(record[key]));
  return out;
}
