import { describe, expect, it } from 'vitest';
import { anyValue, keyValues, nanosToHrTime, otlpId } from './otlpValue.js';

describe('OTLP/JSON values', () => {
  it('reads ids as hex or base64 and refuses the rest', () => {
    const hex = '5b8efff798038103d269b633813fc60c';
    expect(otlpId(hex, 16)).toBe(hex);
    expect(otlpId(hex.toUpperCase(), 16)).toBe(hex);
    expect(otlpId(Buffer.from(hex, 'hex').toString('base64'), 16)).toBe(hex);
    expect(otlpId('eee19b7ec3c1b174', 8)).toBe('eee19b7ec3c1b174');
    expect(otlpId('', 8)).toBe('');
    expect(otlpId(undefined, 8)).toBe('');
    expect(otlpId('0000000000000000', 8)).toBeUndefined();
    expect(otlpId('eee19b7ec3c1b1', 8)).toBeUndefined();
    expect(otlpId('zzzzzzzzzzzzzzzz', 8)).toBeUndefined();
    expect(otlpId(12, 8)).toBeUndefined();
    expect(otlpId(Uint8Array.from(Buffer.from('eee19b7ec3c1b174', 'hex')), 8)).toBe('eee19b7ec3c1b174');
    expect(otlpId(new Uint8Array(8), 8)).toBeUndefined();
  });

  it('converts AnyValue of every kind, keeping int64 exact', () => {
    expect(anyValue({ stringValue: 'x' })).toBe('x');
    expect(anyValue({ boolValue: false })).toBe(false);
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: 7 })).toBe(7);
    expect(anyValue({ intValue: '9223372036854775807' })).toBe(9223372036854775807n);
    expect(anyValue({ doubleValue: 1.5 })).toBe(1.5);
    expect(anyValue({ doubleValue: 'NaN' })).toBeNaN();
    expect(anyValue({ arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }] } })).toEqual([1, 'two']);
    expect(
      anyValue({ kvlistValue: { values: [{ key: 'nested', value: { kvlistValue: { values: [{ key: 'deep', value: { boolValue: true } }] } } }] } }),
    ).toEqual({ nested: { deep: true } });
    expect(anyValue({ bytesValue: 'AQID' })).toBe('AQID');
    expect(anyValue({})).toBeNull();
  });

  it('keeps a "__proto__" attribute as plain data', () => {
    const attributes = keyValues([
      { key: '__proto__', value: { stringValue: 'polluted?' } },
      { key: 'ok', value: { intValue: 1 } },
    ]);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads nanosecond times as strings, numbers or BigInts', () => {
    expect(nanosToHrTime('1761480000123456789')).toEqual([1761480000, 123456789]);
    expect(nanosToHrTime(1761480000123456000)).toEqual([1761480000, 123456000]);
    expect(nanosToHrTime(1761480000123456789n)).toEqual([1761480000, 123456789]);
    expect(nanosToHrTime('999')).toEqual([0, 999]);
    expect(nanosToHrTime('0')).toBeUndefined();
    expect(nanosToHrTime('soon')).toBeUndefined();
  });
});
