import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAttrFilterText, parseAttrFilterText } from './attrFilterText.js';

describe('attribute filter text', () => {
  it('reads key=value pairs separated by spaces, with quoted values', () => {
    expect(parseAttrFilterText('  http.route=/users  user.name="Ada \\"the\\" Lovelace" empty=""')).toEqual({
      ok: true,
      filters: [
        { key: 'http.route', value: '/users' },
        { key: 'user.name', value: 'Ada "the" Lovelace' },
        { key: 'empty', value: '' },
      ],
    });
    expect(parseAttrFilterText('a=b=c')).toEqual({ ok: true, filters: [{ key: 'a', value: 'b=c' }] });
    expect(parseAttrFilterText('')).toEqual({ ok: true, filters: [] });
  });

  it('names the term that is not key=value, and an unclosed quote, with its column', () => {
    expect(parseAttrFilterText('a=1 oops')).toEqual({ ok: false, error: 'column 5: "oops": attribute filters are key=value' });
    expect(parseAttrFilterText('status:ok')).toEqual({ ok: false, error: 'column 1: "status:ok": attribute filters are key=value' });
    expect(parseAttrFilterText('=1')).toEqual({ ok: false, error: 'column 1: "=": nothing before "="; quote the term to search for it as text' });
    expect(parseAttrFilterText('note="open')).toEqual({ ok: false, error: 'column 1: "note=\\"open": the quoted part has no closing "' });
  });

  it('writes filters back as text that reads into the same filters', () => {
    const key = fc.string({ minLength: 1 });
    fc.assert(
      fc.property(fc.array(fc.record({ key, value: fc.string() }), { maxLength: 4 }), (filters) => {
        expect(parseAttrFilterText(formatAttrFilterText(filters))).toEqual({ ok: true, filters });
      }),
      { seed: 6, numRuns: 300 },
    );
  });
});
