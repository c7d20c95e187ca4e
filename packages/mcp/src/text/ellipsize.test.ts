import { describe, expect, it } from 'vitest';
import { ellipsize } from './ellipsize.js';

describe('ellipsize', () => {
  it('keeps text that fits and cuts longer text to the width, ending in an ellipsis', () => {
    expect(ellipsize('short', 5)).toBe('short');
    expect(ellipsize('x'.repeat(200_000), 60)).toBe(`${'x'.repeat(59)}…`);
  });

  it('never leaves half of a surrogate pair before the ellipsis', () => {
    expect(ellipsize('ab🙂cdef', 4)).toBe('ab…');
    expect(ellipsize('abc🙂def', 5)).toBe('abc…');
    expect(ellipsize('abc🙂def', 6)).toBe('abc🙂…');
  });
});
