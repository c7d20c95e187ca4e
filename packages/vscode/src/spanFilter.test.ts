import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, formatFilter, isFiltering, parseFilter } from './spanFilter.js';

describe('parseFilter', () => {
  it('reads name words, key=value attributes and a status in any order', () => {
    expect(parseFilter('GET http.route=/users status:cut-off users')).toEqual({
      name: 'GET users',
      where: [{ key: 'http.route', value: '/users' }],
      status: 'cut_off',
      onlyErrors: false,
    });
    expect(parseFilter('   ')).toEqual({ where: [], onlyErrors: false });
  });

  it('round-trips through the text shown in the filter box', () => {
    const filter = parseFilter('db.query service=api status:error');
    expect(parseFilter(formatFilter(filter))).toEqual(filter);
  });

  it('names the offending term of a bad query', () => {
    expect(() => parseFilter('status:broken')).toThrow(new FilterSyntaxError('"status:broken": status must be one of running, cut-off, ok, error'));
    expect(() => parseFilter('=x')).toThrow(/"=x": an attribute filter needs a key/);
  });

  it('knows when nothing is filtered', () => {
    expect(isFiltering(parseFilter(''))).toBe(false);
    expect(isFiltering(parseFilter('', true))).toBe(true);
    expect(isFiltering(parseFilter('status:ok'))).toBe(true);
  });
});
