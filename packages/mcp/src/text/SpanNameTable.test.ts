import { describe, expect, it } from 'vitest';
import { NameStats, SpanNameTable } from './SpanNameTable.js';

function end(table: SpanNameTable, name: string, durationMs = 1, error = false): void {
  table.touch(name).add(durationMs, error);
}

describe('SpanNameTable', () => {
  it('keeps exact figures for every name while they fit', () => {
    const table = new SpanNameTable(3);
    end(table, 'a', 5);
    end(table, 'b', 2, true);
    end(table, 'a', 9);
    expect(table.evictions).toBe(0);
    expect(table.get('a')).toMatchObject({ count: 2, errors: 0, max: 9 });
    expect(table.get('b')).toMatchObject({ count: 1, errors: 1, max: 2 });
  });

  it('makes room by moving the rarest, oldest name to other, and keeps frequent names', () => {
    const table = new SpanNameTable(3);
    end(table, 'hot');
    end(table, 'hot');
    end(table, 'once.1', 4, true);
    end(table, 'once.2');
    end(table, 'once.3');
    expect([...table.names()].map(([name]) => name)).toEqual(['hot', 'once.2', 'once.3']);
    expect(table.other).toMatchObject({ count: 1, errors: 1, max: 4 });
    for (let index = 0; index < 1000; index++) end(table, `rare.${index}`);
    expect(table.get('hot')).toMatchObject({ count: 2 });
    let total = table.other.count;
    for (const [, stats] of table.names()) total += stats.count;
    expect(total).toBe(1005);
    expect(table.evictions).toBe(1001);
  });

  it('folds the samples of merged names into the percentiles', () => {
    const merged = new NameStats();
    const a = new NameStats();
    const b = new NameStats();
    for (let ms = 1; ms <= 10; ms++) a.add(ms, false);
    for (let ms = 91; ms <= 100; ms++) b.add(ms, false);
    merged.merge(a);
    merged.merge(b);
    expect(merged.percentiles()).toEqual({ p50: 10, p95: 99 });
    expect(merged).toMatchObject({ count: 20, max: 100 });
    expect(new NameStats().percentiles()).toBeNull();
  });
});
