import { describe, expect, it } from 'vitest';
import { formatDelta } from './formatDelta.js';

describe('formatDelta', () => {
  it('signs the difference, with its share of the first duration', () => {
    expect(formatDelta(180, 20)).toBe('+180ms (+900%)');
    expect(formatDelta(-5, 10)).toBe('−5.00ms (−50%)');
    expect(formatDelta(0, 10)).toBe('±0');
    expect(formatDelta(1500, 0)).toBe('+1.50s');
    expect(formatDelta(2, undefined)).toBe('+2.00ms');
  });
});
