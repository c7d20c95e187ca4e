import { describe, expect, it } from 'vitest';
import { formatLocalDateTime, formatLocalTime, formatOffset } from './formatTime.js';

describe('time formatting', () => {
  it('formats an offset from the trace start with the one duration format', () => {
    expect(formatOffset(12_300)).toBe('+12.3ms');
    expect(formatOffset(125_000_000)).toBe('+2m 05s');
  });

  it('formats local times', () => {
    const us = new Date(2025, 9, 26, 7, 4, 5, 9).getTime() * 1000;
    expect(formatLocalDateTime(us)).toBe('2025-10-26 07:04:05');
    expect(formatLocalTime(us)).toBe('07:04:05.009');
  });
});
