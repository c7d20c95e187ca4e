import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scriptSafeJson } from './scriptSafeJson.js';

describe('scriptSafeJson', () => {
  it('leaves no "<" in the text, so nothing can close the script element', () => {
    const text = scriptSafeJson(JSON.stringify({ value: '</script><script>alert(1)</script><!-- <img src=x onerror=alert(1)>' }));
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ value: '</script><script>alert(1)</script><!-- <img src=x onerror=alert(1)>' });
  });

  it('keeps every JSON value as it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = scriptSafeJson(JSON.stringify(value));
        expect(text).not.toContain('<');
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});
