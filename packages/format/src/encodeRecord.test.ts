import { describe, expect, it } from 'vitest';
import { encodeRecord, plainRecordObject } from './encodeRecord.js';
import { normalizeRecord } from './normalizeRecord.js';
import { validateRecord } from './validateRecord.js';

const META = { timestamp: '2025-10-26T12:34:15.193415Z', event: 'batch_started', type: 'log' as const, level: 'info' as const };

function roundTrip(line: string) {
  const result = normalizeRecord(JSON.parse(line));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

describe('encodeRecord', () => {
  it('puts metadata under __tracer_meta__ first and user data at the top level, nested values kept', () => {
    const line = encodeRecord(META, { batch_id: 1, nested: { a: [1, { b: null }] } });
    expect(line).toBe(
      '{"__tracer_meta__":{"format_version":2,"timestamp":"2025-10-26T12:34:15.193415Z","event":"batch_started","type":"log","level":"info"},"batch_id":1,"nested":{"a":[1,{"b":null}]}}',
    );
    expect(line).not.toContain('\n');
  });

  it('in compat mode copies only the timestamp to the top level, first', () => {
    const record = JSON.parse(encodeRecord(META, { n: 1 }, { compatMode: true })) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['timestamp', '__tracer_meta__', 'n']);
    expect(record.timestamp).toBe(META.timestamp);
    expect(record.__tracer_meta__).toMatchObject({ compat: true, event: 'batch_started' });
  });

  it('moves a user __tracer_meta__ key aside and records the rename; nothing is lost', () => {
    const record = JSON.parse(encodeRecord(META, { __tracer_meta__: { mine: 1 }, ___tracer_meta__: 'taken' })) as Record<string, unknown>;
    expect(record.__tracer_meta__).toMatchObject({ renamed: { ____tracer_meta__: '__tracer_meta__' } });
    expect(record.____tracer_meta__).toEqual({ mine: 1 });
    expect(roundTrip(encodeRecord(META, { __tracer_meta__: { mine: 1 }, ___tracer_meta__: 'taken' })).attrs).toEqual({
      __tracer_meta__: { mine: 1 },
      ___tracer_meta__: 'taken',
    });
  });

  it('moves a user timestamp aside in compat mode only, past existing underscore keys', () => {
    const data = { timestamp: 'mine', _timestamp: 'also mine' };
    const compat = JSON.parse(encodeRecord(META, data, { compatMode: true })) as Record<string, unknown>;
    expect(compat.timestamp).toBe(META.timestamp);
    expect(compat.__timestamp).toBe('mine');
    expect(compat._timestamp).toBe('also mine');
    expect(roundTrip(encodeRecord(META, data, { compatMode: true })).attrs).toEqual(data);
    const plain = JSON.parse(encodeRecord(META, data)) as Record<string, unknown>;
    expect(plain.timestamp).toBe('mine');
    expect(roundTrip(encodeRecord(META, data)).attrs).toEqual(data);
  });

  it("writes format_version, timestamp and event first, then the other metadata in the writer's order", () => {
    const line = encodeRecord({ ...META, host: 'box-1', pid: 7 }, {});
    expect(line.indexOf('"event"')).toBeLessThan(line.indexOf('"type"'));
    expect(line.indexOf('"host"')).toBeLessThan(line.indexOf('"pid"'));
    expect(roundTrip(line).meta.host).toBe('box-1');
  });

  it('escapes what JSON needs escaped in keys, metadata and values', () => {
    const line = encodeRecord({ ...META, event: 'say "hi"\n', name: 'tab\there' }, { 'key "q"': 'back\\slash', ctl: '\u0001', emoji: '👋' });
    const record = JSON.parse(line) as Record<string, unknown>;
    expect((record.__tracer_meta__ as Record<string, unknown>).event).toBe('say "hi"\n');
    expect(record['key "q"']).toBe('back\\slash');
    expect(record.ctl).toBe('\u0001');
    expect(record.emoji).toBe('👋');
  });

  it('never throws on hostile values and always writes one valid JSON line', () => {
    const throwing = {
      get boom(): never {
        throw new Error('getter failed');
      },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) cursor = (cursor.next = {}) as Record<string, unknown>;
    const data = { throwing, revoked: revoked.proxy, deep, huge: 'x'.repeat(10 * 1024 * 1024), surrogate: '\ud800' };
    Object.defineProperty(data, 'topLevel', {
      get: (): never => {
        throw new Error('top getter');
      },
      enumerable: true,
    });
    const line = encodeRecord(META, data);
    expect(line.includes('\n')).toBe(false);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record.throwing).toEqual({ boom: { $type: 'unreadable', reason: 'getter failed' } });
    expect(record.revoked).toMatchObject({ $type: 'unreadable' });
    expect(record.topLevel).toEqual({ $type: 'unreadable', reason: 'top getter' });
    expect(JSON.stringify(record.deep)).toContain('"$type":"max_depth"');
    expect(record.huge).toMatchObject({ $type: 'truncated_string', length: 10 * 1024 * 1024 });
    expect(record.surrogate).toBe('\ud800');
    expect(validateRecord(record)).toEqual([]);
  });
});

describe('plainRecordObject', () => {
  const resource = { 'service.name': 'api', 'host.name': 'box-1' };
  const plain: Array<[string, Parameters<typeof encodeRecord>[0], Record<string, unknown> | undefined]> = [
    ['a log without data', META, undefined],
    ['a span start', { timestamp: META.timestamp, event: 'GET.start', type: 'span_start', trace_id: 'ab', span_id: 'cd', name: 'GET', resource }, { a: 1 }],
    ['undefined metadata left out', { ...META, service: undefined, scope: 'lib' }, { list: [1, 'two', true, null, { deep: [] }] }],
    ['keys JSON puts first, unicode and a lone surrogate', META, { '2': 'b', '1': 'a', emoji: '😀', lone: '\ud800', quote: 'say "hi"\n' }],
    ['a __proto__ key', META, JSON.parse('{"__proto__":{"x":1},"ok":true}') as Record<string, unknown>],
  ];
  it.each(plain)('reads back as the encoded line does: %s', (_name, meta, data) => {
    const built = plainRecordObject(meta, data);
    expect(built).toStrictEqual(JSON.parse(encodeRecord(meta, data)));
    expect(Object.keys(built!)).toEqual(Object.keys(JSON.parse(encodeRecord(meta, data)) as object));
    expect(roundTrip(JSON.stringify(built))).toStrictEqual(roundTrip(encodeRecord(meta, data)));
  });

  const general: Array<[string, Parameters<typeof encodeRecord>[0], Record<string, unknown>]> = [
    ['NaN', META, { n: Number.NaN }],
    ['a bigint', META, { n: 12n }],
    ['a colliding key', META, { __tracer_meta__: 'mine' }],
    ['a string past the limit', META, { s: 'x'.repeat(2_000_000) }],
    ['a Map', META, { m: new Map([['a', 1]]) }],
    ['metadata not led by timestamp and event', { event: 'e', timestamp: META.timestamp, type: 'log' }, {}],
  ];
  it.each(general)('leaves what JSON cannot hold as it is to the encoder: %s', (_name, meta, data) => {
    expect(plainRecordObject(meta, data)).toBeUndefined();
  });
});
