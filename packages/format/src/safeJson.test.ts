import { describe, expect, it } from 'vitest';
import { reviveValue, stringifyValue, toJsonSafe } from './safeJson.js';

const encode = (value: unknown): unknown => JSON.parse(stringifyValue(value));

describe('values JSON cannot hold', () => {
  it('tags each kind as TRACE_RECORD.md section 7 says', () => {
    expect(encode(12345678901234567890n)).toEqual({ $type: 'bigint', value: '12345678901234567890' });
    expect(encode(Number.NaN)).toEqual({ $type: 'number', value: 'NaN' });
    expect(encode(-Infinity)).toEqual({ $type: 'number', value: '-Infinity' });
    expect(encode(-0)).toBe(0);
    expect(encode(new Date('2025-10-26T12:00:00Z'))).toBe('2025-10-26T12:00:00.000Z');
    expect(encode(new Date('nope'))).toEqual({ $type: 'date', value: 'Invalid Date' });
    expect(encode(new Map([[1, { a: 1 }]]))).toEqual({ $type: 'map', entries: [[1, { a: 1 }]] });
    expect(encode(new Set(['a']))).toEqual({ $type: 'set', values: ['a'] });
    expect(encode(Buffer.from('hi'))).toEqual({ $type: 'bytes', base64: 'aGk=' });
    expect(encode(new Uint8Array([104, 105]).buffer)).toEqual({ $type: 'bytes', base64: 'aGk=' });
    expect(encode(new DataView(new Uint8Array([1, 2, 3]).buffer, 1, 2))).toEqual({ $type: 'bytes', base64: 'AgM=' });
    expect(encode(new Float64Array([1.5, Number.NaN]))).toEqual({ $type: 'typed_array', array: 'Float64Array', values: [1.5, 'NaN'] });
    expect(encode(new BigInt64Array([5n]))).toEqual({ $type: 'typed_array', array: 'BigInt64Array', values: ['5'] });
    expect(encode(/a+/gi)).toEqual({ $type: 'regexp', source: 'a+', flags: 'gi' });
    expect(encode({ u: undefined })).toEqual({ u: { $type: 'undefined' } });
    expect(encode([undefined])).toEqual([{ $type: 'undefined' }]);
    expect(encode(function handler() {})).toEqual({ $type: 'function', name: 'handler' });
    expect(encode(Symbol('id'))).toEqual({ $type: 'symbol', description: 'id' });
    expect(encode({ $type: 'mine', x: 1 })).toEqual({ $type: 'object', value: { $type: 'mine', x: 1 } });
    expect(encode(new URL('https://example.test/a'))).toBe('https://example.test/a');
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(encode(new Point(1, 2))).toEqual({ x: 1, y: 2 });
  });

  it('keeps an Error with name, message, stack, code and cause', () => {
    const error = Object.assign(new RangeError('too big', { cause: new Error('root cause') }), { code: 'E_BIG' });
    const encoded = encode(error) as Record<string, unknown>;
    expect(encoded).toMatchObject({ $type: 'error', name: 'RangeError', message: 'too big', code: 'E_BIG' });
    expect(String(encoded.stack)).toContain('RangeError: too big');
    expect(encoded.cause).toMatchObject({ $type: 'error', message: 'root cause' });
  });

  it('marks circular references with the path of the enclosing object, keeping shared non-circular references', () => {
    const shared = { id: 1 };
    const root: Record<string, unknown> = { a: { b: {} }, left: shared, right: shared };
    (root.a as { b: Record<string, unknown> }).b.back = root.a;
    (root.a as { b: Record<string, unknown> }).b.top = root;
    expect(toJsonSafe(root)).toEqual({
      a: { b: { back: { $type: 'circular', ref: '$.a' }, top: { $type: 'circular', ref: '$' } } },
      left: { id: 1 },
      right: { id: 1 },
    });
  });

  it('revives tagged values into equal JavaScript values where lossless', () => {
    const values = [
      12345678901234567890n,
      Number.NaN,
      Infinity,
      new Map([['k', 1n]]),
      new Set([1, 2]),
      new Uint8Array([1, 2, 255]),
      new Float32Array([1.5]),
      /x/g,
      { $type: 'mine' },
      [undefined],
    ];
    for (const value of values) expect(reviveValue(encode(value))).toEqual(value);
    const error = reviveValue(encode(Object.assign(new Error('boom'), { code: 'E1' }))) as Error & { code: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
    expect(error.code).toBe('E1');
  });

  it('keeps __proto__ and constructor keys as plain data without touching prototypes', () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}}}') as Record<string, unknown>;
    const revived = reviveValue(encode(hostile)) as Record<string, unknown>;
    expect(Object.keys(revived)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(revived)).toBe(Object.prototype);
  });
});
