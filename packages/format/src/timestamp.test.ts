import { describe, expect, it } from 'vitest';
import { formatEpochMicros, formatEpochMillis, formatHrTime, parseTimestamp, TIMESTAMP_PATTERN } from './timestamp.js';

describe('timestamps', () => {
  it('formats UTC with exactly six fraction digits, across second boundaries', () => {
    expect(formatHrTime([1761482055, 193415123])).toBe('2025-10-26T12:34:15.193415Z');
    expect(formatHrTime([1761482055, 999999999])).toBe('2025-10-26T12:34:15.999999Z');
    expect(formatHrTime([1761482056, 5000])).toBe('2025-10-26T12:34:16.000005Z');
    expect(formatEpochMicros(1761482055000001)).toBe('2025-10-26T12:34:15.000001Z');
    expect(formatEpochMillis(1761482055123.456)).toBe('2025-10-26T12:34:15.123456Z');
    expect(TIMESTAMP_PATTERN.test(formatEpochMillis(Date.now()))).toBe(true);
  });

  it('parses any ISO-8601 fraction and offset to microseconds, NaN otherwise', () => {
    expect(parseTimestamp('2025-10-26T12:34:15.193415Z')).toBe(1761482055193415);
    expect(parseTimestamp('2025-10-26T12:34:15Z')).toBe(1761482055000000);
    expect(parseTimestamp('2025-10-26T14:34:15.1+02:00')).toBe(1761482055100000);
    expect(parseTimestamp('2025-10-26 12:34:15.123456789')).toBe(1761482055123456);
    expect(parseTimestamp('yesterday')).toBeNaN();
  });

  it('reads runs of written timestamps exactly as the general parser does, across seconds and days', () => {
    for (let micros = 1761523199990000; micros < 1761523200020000; micros += 3331) {
      const text = formatEpochMicros(micros);
      expect(parseTimestamp(text)).toBe(micros);
      expect(parseTimestamp(text)).toBe(parseTimestamp(text.replace('Z', '+00:00')));
    }
    // Look-alikes of the written form are not mistaken for it.
    expect(parseTimestamp('2025-10-26T12:34:15.19341xZ')).toBeNaN();
    expect(parseTimestamp('2025-10-26T12:34:15,193415Z')).toBe(1761482055193415);
    expect(parseTimestamp('2025-1x-26T12:34:15.193415Z')).toBeNaN();
    expect(parseTimestamp('2025-13-26T12:34:15.193415Z')).toBeNaN();
  });
});
