import type { NormalizedRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import type { TraceQuery } from './TraceQuery.js';
import { asciiLower, attrText, traceMatches } from './matchTrace.js';
import { storedTrace } from './traceTally.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function record(type: NormalizedRecord['type'], extra: Partial<NormalizedRecord>): NormalizedRecord {
  return {
    formatVersion: 2,
    timestamp: '',
    timeUs: 1_000_000,
    event: 'e',
    type,
    traceId: TRACE,
    spanId: 'a',
    provisional: false,
    meta: {},
    attrs: {},
    ...extra,
  };
}

const trace = storedTrace(TRACE, [
  [
    record('span_end', {
      name: 'POST /Pay',
      status: 'error',
      statusMessage: 'Card DECLINED',
      service: 'shop',
      resource: { 'service.version': '2.0', 'deployment.environment': 'prod' },
      attrs: { ratio: 1 / 3, nested: { 'Deep Key': ['Ünïcode', null] }, flag: true },
    }),
    record('log', { event: 'retry "later"', spanId: 'a', service: 'queue', attrs: { n: 1e21 } }),
  ],
]);
const matches = (query: TraceQuery) => traceMatches(trace, query);

describe('traceMatches', () => {
  it('compares attributes as text: strings as they are, the rest as their JSON text', () => {
    expect(attrText('500')).toBe('500');
    expect(attrText(500)).toBe('500');
    expect(attrText(null)).toBe('null');
    expect(attrText({ a: 1 })).toBe('{"a":1}');
    expect(matches({ attrs: [{ key: 'ratio', value: '0.3333333333333333' }] })).toBe(true);
    expect(
      matches({
        attrs: [
          { key: 'n', value: '1e+21' },
          { key: 'flag', value: 'true' },
        ],
      }),
    ).toBe(true);
    expect(matches({ attrs: [{ key: 'flag', value: '"true"' }] })).toBe(false);
  });

  it('finds text ignoring ASCII case only, in names, status messages, events and attributes at any depth', () => {
    expect(asciiLower('ÄB')).toBe('Äb');
    for (const q of ['post /pay', 'card declined', 'RETRY "LATER"', 'deep key', 'Ünïcode', '0.333', 'null', '4BF92F']) expect(matches({ q }), q).toBe(true);
    for (const q of ['ünïcode', 'nothing', 'e+22']) expect(matches({ q }), q).toBe(false);
  });

  it('matches service, version and environment of any record, exact names and the status', () => {
    expect(matches({ service: 'queue', serviceVersion: '2.0', environment: 'prod', name: 'POST /Pay', status: 'error' })).toBe(true);
    expect(matches({ name: 'POST /pay' })).toBe(false);
    expect(matches({ status: 'ok' })).toBe(false);
    expect(matches({ fromUs: 1_000_001 })).toBe(false);
  });
});
