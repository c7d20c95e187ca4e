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

  it('reads quoted values and the field terms of the filter text syntax', () => {
    expect(parseFilter('"GET /users" user.name="Ada Lovelace" service:api env:prod version:"2.0 rc" model:gpt-4o conversation:"conv 7"')).toEqual({
      name: 'GET /users',
      where: [
        { key: 'user.name', value: 'Ada Lovelace' },
        { key: 'service', value: 'api' },
        { key: 'deployment.environment.name', value: 'prod' },
        { key: 'service.version', value: '2.0 rc' },
      ],
      model: 'gpt-4o',
      conversation: 'conv 7',
      onlyErrors: false,
    });
    expect(parseFilter('name:"db query"')).toMatchObject({ name: 'db query' });
  });

  it('round-trips through the text shown in the filter box', () => {
    for (const text of ['db.query service=api status:error', '"a b" k="v \\"w\\"" model:"x y" status:cut-off', 'conversation:c-1 "odd key"=""']) {
      const filter = parseFilter(text);
      expect(parseFilter(formatFilter(filter))).toEqual(filter);
    }
  });

  it('names the offending term of a bad query and its column', () => {
    expect(() => parseFilter('x status:broken')).toThrow(
      new FilterSyntaxError('column 3: "status:broken": status must be one of running, cut-off, ok, error', 3),
    );
    expect(() => parseFilter('=x')).toThrow(/column 1: "=": nothing before "="/);
    expect(() => parseFilter('k="open')).toThrow(/column 1: "k=\\"open": the quoted part has no closing "/);
    expect(() => parseFilter('stauts:ok')).toThrow(/column 1: "stauts:ok": unknown field "stauts"/);
    expect(() => parseFilter('status:ok status:error')).toThrow(/column 11: "status:error": status: is already given/);
  });

  it('knows when nothing is filtered', () => {
    expect(isFiltering(parseFilter(''))).toBe(false);
    expect(isFiltering(parseFilter('', true))).toBe(true);
    expect(isFiltering(parseFilter('status:ok'))).toBe(true);
  });
});
