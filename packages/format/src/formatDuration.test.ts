import { describe, expect, it } from 'vitest';
import { formatDuration } from './formatDuration.js';

describe('formatDuration', () => {
  it('prints three significant digits from microseconds to a minute, then minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(0)).toBe('0µs');
    expect(formatDuration(0.85)).toBe('850µs');
    expect(formatDuration(4.083)).toBe('4.08ms');
    expect(formatDuration(63.31)).toBe('63.3ms');
    expect(formatDuration(401.1)).toBe('401ms');
    expect(formatDuration(4512)).toBe('4.51s');
    expect(formatDuration(42_000)).toBe('42.0s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(90_000_000)).toBe('25h 00m');
  });

  it('moves to the next unit when rounding reaches a unit limit', () => {
    expect(formatDuration(0.9994)).toBe('999µs');
    expect(formatDuration(0.9996)).toBe('1.00ms');
    expect(formatDuration(9.996)).toBe('10.0ms');
    expect(formatDuration(99.96)).toBe('100ms');
    expect(formatDuration(999.4)).toBe('999ms');
    expect(formatDuration(999.6)).toBe('1.00s');
    expect(formatDuration(9_996)).toBe('10.0s');
    expect(formatDuration(59_940)).toBe('59.9s');
    expect(formatDuration(59_960)).toBe('1m 00s');
    expect(formatDuration(60_000)).toBe('1m 00s');
    expect(formatDuration(3_599_400)).toBe('59m 59s');
    expect(formatDuration(3_599_600)).toBe('1h 00m');
  });

  it('prints a dash for a duration that is unknown, negative or not a number', () => {
    for (const ms of [undefined, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatDuration(ms)).toBe('–');
  });
});
