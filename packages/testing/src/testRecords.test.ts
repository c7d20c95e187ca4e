import { describe, expect, it } from 'vitest';
import { spanIdOf, traceIdOf } from './testRecords.js';

describe('test ids', () => {
  it('are valid hex ids, distinct for distinct numbers (0xb and 0xbb too)', () => {
    const spanIds = new Set<string>();
    const traceIds = new Set<string>();
    for (let n = 1; n <= 5000; n++) {
      spanIds.add(spanIdOf(n));
      traceIds.add(traceIdOf(n));
    }
    expect(spanIds.size).toBe(5000);
    expect(traceIds.size).toBe(5000);
    expect([...spanIds].every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect([...traceIds].every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  });
});
