import type { TraceTree } from '@aitrace/forest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceListener, TraceSource } from '../data/TraceSource.js';
import { spans, TRACE_ID } from '../../testing/traceRecords.js';
import { TraceLoader } from './TraceLoader.js';
import type { ViewContext } from './ViewContext.js';

describe('TraceLoader', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function open(): { listener: TraceListener; shown: Array<{ spans: number; loading: boolean }> } {
    let listener: TraceListener | undefined;
    const source = { live: true, openTrace: (_id: string, l: TraceListener) => ((listener = l), () => {}) } as unknown as TraceSource;
    const context = { source, setConnection: () => {}, askForToken: () => {}, backToList: () => {} } satisfies ViewContext;
    const shown: Array<{ spans: number; loading: boolean }> = [];
    new TraceLoader(context, TRACE_ID, { trace: (trace: TraceTree, loading) => shown.push({ spans: trace.spanCount, loading }), problem: () => {} });
    return { listener: listener!, shown };
  }

  it('shows a big trace while the rest arrives, says so, and says when it has all of it', async () => {
    const { listener, shown } = open();
    listener.records(spans({ id: 1, name: 'root', startMs: 0, endMs: 10 }, { id: 2, parent: 1, name: 'a', startMs: 1, endMs: 2 }), true);
    await vi.runAllTimersAsync();
    expect(shown).toEqual([{ spans: 2, loading: true }]);
    listener.records(spans({ id: 3, parent: 1, name: 'b', startMs: 3, endMs: 4 }), true);
    await vi.runAllTimersAsync();
    // The last batch brings nothing new, yet the trace is now complete.
    listener.records([], false);
    await vi.runAllTimersAsync();
    expect(shown).toEqual([
      { spans: 2, loading: true },
      { spans: 3, loading: true },
      { spans: 3, loading: false },
    ]);
  });

  it('shows a trace that arrives in one batch once, complete', async () => {
    const { listener, shown } = open();
    listener.records(spans({ id: 1, name: 'root', startMs: 0, endMs: 10 }));
    await vi.runAllTimersAsync();
    listener.records(spans({ id: 1, name: 'root', startMs: 0, endMs: 10 }));
    await vi.runAllTimersAsync();
    expect(shown).toEqual([{ spans: 1, loading: false }]);
  });
});
