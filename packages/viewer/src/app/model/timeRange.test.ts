import { describe, expect, it } from 'vitest';
import { formatEpochMicros } from '@aitrace/format';
import { rangeBounds, rangeFromParams, rangeToParams, withinBounds, type TimeRange } from './timeRange.js';

const T = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000 + 123_456;

describe('time ranges in the URL', () => {
  it('reads presets and custom bounds, and writes them back the same', () => {
    const cases: Array<[string, TimeRange]> = [
      ['', { kind: 'all' }],
      ['range=5m', { kind: 'last', preset: '5m' }],
      ['range=24h', { kind: 'last', preset: '24h' }],
      [`from=${formatEpochMicros(T)}`, { kind: 'custom', fromUs: T }],
      [`from=${formatEpochMicros(T)}&to=${formatEpochMicros(T + 1)}`, { kind: 'custom', fromUs: T, toUs: T + 1 }],
    ];
    for (const [text, range] of cases) {
      expect(rangeFromParams(new URLSearchParams(text)), text).toEqual(range);
      const params = new URLSearchParams();
      rangeToParams(range, params);
      expect(params.toString(), text).toBe(new URLSearchParams(text).toString());
    }
    expect(rangeFromParams(new URLSearchParams(`to=${T}`))).toEqual({ kind: 'custom', toUs: T });
    expect(rangeFromParams(new URLSearchParams('range=7d&from=yesterday'))).toEqual({ kind: 'all' });
  });

  it('turns a preset into bounds ending now', () => {
    expect(rangeBounds({ kind: 'last', preset: '1h' }, T)).toEqual({ fromUs: T - 3600e6 });
    expect(rangeBounds({ kind: 'all' }, T)).toEqual({});
    const bounds = rangeBounds({ kind: 'custom', fromUs: 10, toUs: 20 }, T);
    expect([9, 10, 20, 21].map((us) => withinBounds(bounds, us))).toEqual([false, true, true, false]);
  });
});
