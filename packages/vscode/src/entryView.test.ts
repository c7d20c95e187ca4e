import { describe, expect, it } from 'vitest';
import { formatDuration } from './entryView.js';

describe('formatDuration', () => {
  it('keeps sub-millisecond precision and switches to seconds and minutes for long spans', () => {
    expect(formatDuration(0.4213)).toBe('0.42 ms');
    expect(formatDuration(12.345)).toBe('12.3 ms');
    expect(formatDuration(3)).toBe('3 ms');
    expect(formatDuration(1250)).toBe('1.25 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
