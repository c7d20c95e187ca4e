import { describe, expect, it } from 'vitest';
import { spanIdOf, spans, T0_US, traceOf } from '../../testing/traceRecords.js';
import { axisTicks, barEndUs, barGeometry, durationLabelPlacement, timeWindow } from './timeline.js';

describe('the waterfall time scale', () => {
  it('spans the trace, grows to now while running, and is never empty', () => {
    expect(timeWindow(T0_US, T0_US + 100, undefined)).toEqual({ startUs: T0_US, endUs: T0_US + 100 });
    expect(timeWindow(T0_US, T0_US + 100, T0_US + 500)).toEqual({ startUs: T0_US, endUs: T0_US + 500 });
    expect(timeWindow(T0_US, T0_US, undefined)).toEqual({ startUs: T0_US, endUs: T0_US + 1 });
  });

  it('places ended, running and cut-off spans', () => {
    const records = spans(
      { id: 1, name: 'root', startMs: 0, endMs: 100 },
      { id: 2, parent: 1, name: 'child', startMs: 25, endMs: 75 },
      { id: 3, parent: 1, name: 'open', startMs: 50 },
    );
    const window = { startUs: T0_US, endUs: T0_US + 100_000 };
    const cut = traceOf(records, true);
    const byId = (id: number) => {
      const stack = [...cut.roots];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.spanId === spanIdOf(id)) return node;
        stack.push(...node.children);
      }
      throw new Error(`no span ${id}`);
    };
    expect(barGeometry(byId(1), window, undefined)).toEqual({ leftPct: 0, widthPct: 100 });
    expect(barGeometry(byId(2), window, undefined)).toEqual({ leftPct: 25, widthPct: 50 });
    expect(byId(3).state).toBe('cut_off');
    expect(barGeometry(byId(3), window, undefined)).toEqual({ leftPct: 50, widthPct: 50 });

    const live = traceOf(spans({ id: 3, name: 'open', startMs: 50 }), false);
    const running = live.roots[0]!;
    expect(running.state).toBe('running');
    expect(barEndUs(running, window, T0_US + 80_000)).toBe(T0_US + 80_000);
    expect(barGeometry(running, window, T0_US + 80_000)).toEqual({ leftPct: 50, widthPct: 30 });
  });

  it('puts evenly spaced ticks on the axis', () => {
    expect(axisTicks({ startUs: 1000, endUs: 5000 }, 4)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('puts the duration label right of a bar, left of a late one, inside one across the width', () => {
    expect(durationLabelPlacement({ leftPct: 10, widthPct: 30 })).toEqual({ left: 'calc(40% + 4px)', right: '', inside: false });
    expect(durationLabelPlacement({ leftPct: 60, widthPct: 30 })).toEqual({ left: '', right: 'calc(40% + 4px)', inside: false });
    expect(durationLabelPlacement({ leftPct: 0, widthPct: 100 })).toEqual({ left: '', right: 'calc(0% + 4px)', inside: true });
  });
});
