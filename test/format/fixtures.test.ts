import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeRecord, reviveValue, validateRecord } from '@aitrace/format';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const lines = (name: string): string[] =>
  readFileSync(dir + name, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
const records = (name: string) =>
  lines(name).map((line) => {
    const result = normalizeRecord(JSON.parse(line));
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
    return result.record;
  });

describe('conformance fixtures, read by @aitrace/format', () => {
  it('every current-format fixture written by this project validates cleanly', () => {
    for (const name of readdirSync(dir).filter((n) => n.startsWith('v2-'))) {
      for (const line of lines(name)) expect(validateRecord(JSON.parse(line)), name).toEqual([]);
    }
  });

  it('reads the seed examples', () => {
    const [start, log, end] = records('seed-default.jsonl');
    expect(start).toMatchObject({ type: 'span_start', name: 'process_batch', provisional: true });
    expect(log).toMatchObject({ type: 'log', event: 'batch_started', attrs: { batch_id: 1, count: 3 } });
    expect(end).toMatchObject({ type: 'span_end', name: 'process_batch' });
    expect(records('seed-compat.jsonl')[0]?.attrs).toEqual({});
  });

  it('reads the resource of every record', () => {
    const resource = {
      'service.version': '2.4.1',
      'deployment.environment.name': 'staging',
      'host.name': 'web-1',
      'k8s.pod.name': 'shop-7d9f',
      'process.pid': 4242,
    };
    const [start, log, end] = records('v2-resource.jsonl');
    for (const record of [start, log, end]) expect(record).toMatchObject({ service: 'shop', resource, pid: 4242 });
    expect(log).toMatchObject({
      type: 'log',
      event: 'gen_ai.user.message',
      attrs: { 'event.name': 'gen_ai.user.message', body: { content: 'Capital of France?' } },
    });
    expect(end).toMatchObject({ type: 'span_end', name: 'checkout', status: 'ok' });
  });

  it('undoes collision renames so every user key comes back', () => {
    const [compat, plain] = records('v2-collisions.jsonl');
    expect(compat?.attrs).toEqual({ timestamp: '2024-01-01', _timestamp: 'also mine', __tracer_meta__: { mine: true }, rows: 3 });
    expect(plain?.attrs).toEqual({ timestamp: 'kept as is', __tracer_meta__: 'moved aside' });
  });

  it('reads tagged non-JSON values back into JavaScript values', () => {
    const attrs = reviveValue(records('v2-non-json-values.jsonl')[0]?.attrs) as Record<string, unknown>;
    expect(attrs.big).toBe(12345678901234567890n);
    expect(attrs.nan).toBeNaN();
    expect(attrs.map).toEqual(new Map([['a', 1]]));
    expect(attrs.set).toEqual(new Set(['x', 'y']));
    expect(attrs.bytes).toEqual(new Uint8Array([104, 105]));
    expect(attrs.tagged).toEqual({ $type: 'user-owned' });
    expect(attrs.nothing).toBeUndefined();
    expect(attrs.lone_surrogate).toBe('a\ud800b');
    expect(attrs.long).toMatchObject({ $type: 'truncated_string', length: 70000 });
  });

  it('reads v1 records, which do not validate as current records', () => {
    const v1 = records('v1-layout.jsonl');
    expect(v1.map((r) => r.formatVersion)).toEqual([1, 1, 1]);
    expect(v1[1]?.attrs).toEqual({ batch_id: 1, count: 3, items: [{ id: 'x', tags: ['a', 'b'] }] });
    expect(validateRecord(JSON.parse(lines('v1-layout.jsonl')[0]!))[0]?.field).toBe('__tracer_meta__');
  });
});
