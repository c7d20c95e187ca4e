import { describe, expect, it } from 'vitest';
import { formatCount, totalsBadge, totalsWords, usageBadge, usageWords } from './tokenText.js';

const usage = (input?: number, output?: number, cached?: number, reasoning?: number) => ({ input, output, cached, reasoning });

describe('token texts', () => {
  it('shows a call by its input and output counts', () => {
    expect(usageBadge(usage(1200, 85))).toBe('1,200 in · 85 out');
    expect(usageBadge(usage(undefined, 85))).toBe('85 out');
    expect(usageBadge(usage(undefined, undefined, undefined, 40))).toBe('40 reasoning');
    expect(usageBadge(usage())).toBe('');
    expect(usageBadge(usage(0))).toBe('0 in');
  });

  it('sums input and output in a roll-up badge and spells every count out in words', () => {
    expect(totalsBadge({ calls: 2, ...usage(1200, 85, 1000) })).toBe('∑ 1,285 tok');
    expect(usageWords(usage(1200, 85, 1000, 12))).toBe('1,200 input, 85 output, 1,000 cached, 12 reasoning');
    expect(totalsWords({ calls: 1, ...usage(5, 6) })).toBe('1 model call: 5 input, 6 output');
    expect(totalsWords({ calls: 3, ...usage(5, 6) })).toBe('3 model calls: 5 input, 6 output');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
