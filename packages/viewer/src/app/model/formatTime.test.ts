import { describe, expect, it } from 'vitest';
import { formatDuration, formatLocalDateTime, formatLocalTime, formatOffset } from './formatTime.js';

describe('time formatting', () => {
  it('formats durations from microseconds to hours', () => {
    expect(formatDuration(0.85)).toBe('850µs');
    expect(formatDuration(4.083)).toBe('4.08ms');
    expect(formatDuration(63.31)).toBe('63.3ms');
    expect(formatDuration(401.1)).toBe('401ms');
    expect(formatDuration(4512)).toBe('4.51s');
    expect(formatDuration(42_000)).toBe('42.0s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('–');
    expect(formatOffset(12_300)).toBe('+12.3ms');
  });

  it('formats local times', () => {
    const us = new Date(2025, 9, 26, 7, 4, 5, 9).getTime() * 1000;
    expect(formatLocalDateTime(us)).toBe('2025-10-26 07:04:05');
    expect(formatLocalTime(us)).toBe('07:04:05.009');
  });
});
