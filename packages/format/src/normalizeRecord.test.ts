import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_NAMES } from './enumerations.js';
import { encodeRecord } from './encodeRecord.js';
import { normalizeRecord } from './normalizeRecord.js';
import { validateRecord } from './validateRecord.js';

function read(value: unknown) {
  const result = normalizeRecord(value);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

describe('normalizeRecord', () => {
  it('reads the seed examples: type inferred from the event suffix, user data as attrs', () => {
    const start = read({
      __tracer_meta__: {
        timestamp: '2025-10-26T12:34:15.193415Z',
        event: 'process_batch.start',
        trace_id: 'BE97F2FA26196196D1C776CEF223B871',
        span_id: 'c33604c286773277',
        file: 'aitrace/decorators.py',
        line: 44,
        function: 'wrapper',
        provisional: true,
      },
    });
    expect(start).toMatchObject({
      formatVersion: 2,
      type: 'span_start',
      name: 'process_batch',
      provisional: true,
      traceId: 'be97f2fa26196196d1c776cef223b871',
      line: 44,
      attrs: {},
    });
    const log = read({
      batch_id: 1,
      count: 3,
      __tracer_meta__: { timestamp: '2025-10-26T12:34:15.202795Z', event: 'batch_started', span_id: 'c33604c286773277' },
    });
    expect(log).toMatchObject({ type: 'log', attrs: { batch_id: 1, count: 3 } });
    const end = read({ __tracer_meta__: { timestamp: '2025-10-26T12:34:15.205008Z', event: 'process_batch.end', span_id: 'c33604c286773277' } });
    expect(end).toMatchObject({ type: 'span_end', name: 'process_batch', provisional: false });
  });

  it('treats a seed compat timestamp (equal value, no format_version) as metadata, not user data', () => {
    const record = read({ timestamp: '2025-10-26T12:34:15.205164Z', __tracer_meta__: { timestamp: '2025-10-26T12:34:15.205164Z', event: 'x' } });
    expect(record.attrs).toEqual({});
  });

  it('reads the v1 layout with its aliases and an offset timestamp', () => {
    const record = read({
      timestamp: '2025-10-26T14:34:15.5+02:00',
      event: 'step',
      parent: 'a1b2c3d4e5f60718',
      lineno: '12',
      logger: 'jobs',
      level: 'WARNING',
      job: 'x',
    });
    expect(record).toMatchObject({ formatVersion: 1, parentSpanId: 'a1b2c3d4e5f60718', line: 12, scope: 'jobs', level: 'warn', attrs: { job: 'x' } });
    expect(record.timeUs).toBe(Date.UTC(2025, 9, 26, 12, 34, 15, 500) * 1000);
  });

  it('reports every wrong field type with its path instead of throwing', () => {
    const result = normalizeRecord({ __tracer_meta__: { timestamp: 12, event: 'e', trace_id: 5, provisional: 'yes', kind: 'sideways' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      '__tracer_meta__.timestamp',
      '__tracer_meta__.trace_id',
      '__tracer_meta__.kind',
      '__tracer_meta__.provisional',
    ]);
    expect(normalizeRecord('text')).toMatchObject({ ok: false, problems: [{ field: '$' }] });
    expect(normalizeRecord({ __tracer_meta__: [] })).toMatchObject({ ok: false, problems: [{ field: '__tracer_meta__' }] });
  });

  it('reads the resource attributes, and keeps a record whose resource is malformed', () => {
    const meta = { timestamp: '2025-10-26T12:34:15.193415Z', event: 'paid', service: 'shop' };
    expect(read({ __tracer_meta__: { ...meta, resource: { 'service.version': '2.4.1', 'host.name': 'web-1' } } })).toMatchObject({
      service: 'shop',
      resource: { 'service.version': '2.4.1', 'host.name': 'web-1' },
    });
    const malformed = read({ __tracer_meta__: { ...meta, resource: 'web-1' } });
    expect(malformed.resource).toBeUndefined();
    expect(malformed.meta.resource).toBe('web-1');
  });

  it('keeps span names with dots whole', () => {
    const record = read({
      __tracer_meta__: {
        timestamp: '2025-10-26T12:34:15.193415Z',
        event: 'GET /v1.2/items.end',
        type: 'span_end',
        span_id: 'c33604c286773277',
        name: 'GET /v1.2/items',
      },
    });
    expect(record.name).toBe('GET /v1.2/items');
  });
});

const key = fc.oneof(
  fc.string(),
  fc.constantFrom('__tracer_meta__', '___tracer_meta__', 'timestamp', '_timestamp', '__proto__', 'constructor', '$type', 'body'),
);
const jsonData = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((id) => !/^0+$/.test(id));
const meta = fc.record({
  timestamp: fc
    .integer({ min: 0, max: 4_102_444_800_000_000 })
    .map((us) => new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + `.${String(us % 1_000_000).padStart(6, '0')}Z`),
  event: fc.string({ minLength: 1 }),
  trace_id: hex(32),
  span_id: hex(16),
  level: fc.constantFrom(...LEVEL_NAMES),
});

describe('encode then normalize (property)', () => {
  it('returns the same user data and metadata, in both modes, as one valid line', () => {
    fc.assert(
      fc.property(meta, jsonData, fc.boolean(), (m, data, compatMode) => {
        const line = encodeRecord({ ...m, type: 'log' }, data, { compatMode });
        expect(line.includes('\n')).toBe(false);
        const parsed: unknown = JSON.parse(line);
        expect(validateRecord(parsed)).toEqual([]);
        const record = read(parsed);
        expect(record.attrs).toEqual(JSON.parse(JSON.stringify(data)));
        expect(record).toMatchObject({ timestamp: m.timestamp, event: m.event, traceId: m.trace_id, spanId: m.span_id, level: m.level, type: 'log' });
      }),
      { seed: 20251026, numRuns: 300 },
    );
  });
});
