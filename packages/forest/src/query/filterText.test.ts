import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseFilterText, traceQueryFromText, traceQueryToText } from './filterText.js';

describe('parseFilterText', () => {
  it('reads free words, key=value, quoted values and field terms, each with its column', () => {
    expect(parseFilterText('  timeout user.name="Ada \\"the\\" Lovelace" status:error')).toEqual([
      { kind: 'text', value: 'timeout', column: 3, source: 'timeout' },
      { kind: 'attr', key: 'user.name', value: 'Ada "the" Lovelace', column: 11, source: 'user.name="Ada \\"the\\" Lovelace"' },
      { kind: 'field', field: 'status', value: 'error', column: 44, source: 'status:error' },
    ]);
  });

  it('keeps = and : inside values, reads quoted keys and phrases, and keeps unknown escapes as written', () => {
    expect(parseFilterText('k=a:b=c "odd key"=1 "user:7 \\\\ \\n" name:"GET /a"').map((term) => ({ ...term, column: 0, source: '' }))).toEqual([
      { kind: 'attr', key: 'k', value: 'a:b=c', column: 0, source: '' },
      { kind: 'attr', key: 'odd key', value: '1', column: 0, source: '' },
      { kind: 'text', value: 'user:7 \\ \\n', column: 0, source: '' },
      { kind: 'field', field: 'name', value: 'GET /a', column: 0, source: '' },
    ]);
    expect(parseFilterText('k= ""')).toEqual([
      { kind: 'attr', key: 'k', value: '', column: 1, source: 'k=' },
      { kind: 'text', value: '', column: 4, source: '""' },
    ]);
  });

  it('names the term and its column in every error', () => {
    const error = (text: string): string => {
      try {
        parseFilterText(text);
      } catch (caught) {
        expect(caught).toBeInstanceOf(FilterSyntaxError);
        return `${(caught as FilterSyntaxError).column} ${(caught as Error).message}`;
      }
      throw new Error(`no error for ${text}`);
    };
    expect(error('ok stauts:error')).toBe(
      '4 column 4: "stauts:error": unknown field "stauts"; fields are status, service, version, env, name, model, conversation (quote the term to search for it as text)',
    );
    expect(error('a name:"GET')).toBe('3 column 3: "name:\\"GET": the quoted part has no closing "');
    expect(error('=x')).toMatch(/^1 column 1: "=": nothing before "="/);
    expect(error('x service:')).toBe('3 column 3: "service:": service: needs a value');
    expect(error('k="v"w')).toMatch(/^1 column 1: "k=\\"v\\"w": a quoted value must be followed by a space/);
    expect(error('ab"c d"')).toMatch(/^1 column 1: .*a quoted part must stand alone/);
  });
});

describe('traceQueryFromText', () => {
  it('maps terms to the trace query', () => {
    expect(
      traceQueryFromText('checkout  failed status:error service:api version:1.2 env:prod name:"POST /pay" model:gpt-4o conversation:c-1 http.route=/pay'),
    ).toEqual({
      q: 'checkout failed',
      status: 'error',
      service: 'api',
      serviceVersion: '1.2',
      environment: 'prod',
      name: 'POST /pay',
      model: 'gpt-4o',
      conversation: 'c-1',
      attrs: [{ key: 'http.route', value: '/pay' }],
    });
    expect(traceQueryFromText('')).toEqual({});
  });

  it('adds to a base query and refuses a field given twice, text on top of q, and an unknown status', () => {
    expect(traceQueryFromText('k=2', { service: 'api', attrs: [{ key: 'k', value: '1' }] })).toEqual({
      service: 'api',
      attrs: [
        { key: 'k', value: '1' },
        { key: 'k', value: '2' },
      ],
    });
    expect(() => traceQueryFromText('service:a service:b')).toThrow('column 11: "service:b": service: is already given');
    expect(() => traceQueryFromText('status:ok', { status: 'error' })).toThrow(/column 1: "status:ok": status: is already given/);
    expect(() => traceQueryFromText('more', { q: 'text' })).toThrow(/column 1: "more": the search text is already given/);
    expect(() => traceQueryFromText('status:cut-off')).toThrow('column 1: "status:cut-off": status must be one of error, running, ok');
  });

  it('writes a query back as text that reads into the same query', () => {
    const query = {
      q: 'a "b" c:d',
      service: 'my svc',
      status: 'running' as const,
      model: 'x=y',
      attrs: [
        { key: 'k k', value: '' },
        { key: 'n', value: '1' },
      ],
    };
    const text = traceQueryToText(query);
    expect(text).toBe('"a \\"b\\" c:d" status:running service:"my svc" model:"x=y" "k k"="" n=1');
    expect(traceQueryFromText(text)).toEqual(query);
  });
});
