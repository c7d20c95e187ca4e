import { encodeRecord, formatEpochMicros } from '@aitrace/format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSpanForest, ForestBuilder, walkSpans } from './ForestBuilder.js';
import { readJsonl } from './LineReader.js';
import { logLine, spanLines } from '@aitrace/testing';
import type { SpanForest } from './types.js';

const T1 = 'be97f2fa26196196d1c776cef223b871';
const T2 = '39e3367da4ccffb51a5b42340ad32eac';
const A = 'aaaaaaaaaaaaaaa1';
const B = 'bbbbbbbbbbbbbbb2';
const C = 'ccccccccccccccc3';

function records(lines: string[]) {
  return readJsonl(lines.join('\n') + '\n').records;
}

describe('buildSpanForest', () => {
  it('builds a tree per trace, drops provisional starts once ended, and merges start and end attributes', () => {
    const forest = buildSpanForest(
      records([
        ...spanLines({ trace: T1, span: A, name: 'root.op', startMs: 0, endMs: 30, attrs: { phase: 'start', shared: 'start' }, endAttrs: { shared: 'end' } }),
        ...spanLines({ trace: T1, span: B, name: 'child.op', parent: A, startMs: 5, endMs: 10 }),
        ...spanLines({ trace: T1, span: C, name: 'child.op', parent: A, startMs: 12, endMs: 20, status: 'error' }),
      ]),
    );
    expect(forest.traces).toHaveLength(1);
    const [root] = forest.traces[0]!.roots;
    expect(root?.name).toBe('root.op');
    expect(root?.children.map((c) => [c.spanId, c.state])).toEqual([
      [B, 'ok'],
      [C, 'error'],
    ]);
    expect(root?.attrs).toEqual({ phase: 'start', shared: 'end' });
    expect(root?.durationMs).toBe(30);
    expect(forest.traces[0]?.errorCount).toBe(1);
  });

  it('shows a span without end as running while the trace is live, and cut off once the trace or file ended', () => {
    const live = records([
      ...spanLines({ trace: T1, span: A, name: 'root', startMs: 0 }),
      ...spanLines({ trace: T1, span: B, name: 'step', parent: A, startMs: 1 }),
    ]);
    expect(buildSpanForest(live).traces[0]?.roots[0]?.state).toBe('running');
    expect(buildSpanForest(live, { ended: true }).traces[0]?.roots[0]?.state).toBe('cut_off');
    const rootEnded = records([
      ...spanLines({ trace: T1, span: A, name: 'root', startMs: 0, endMs: 50 }),
      ...spanLines({ trace: T1, span: B, name: 'step', parent: A, startMs: 1 }),
    ]);
    const trace = buildSpanForest(rootEnded).traces[0]!;
    expect(trace.roots[0]?.children[0]?.state).toBe('cut_off');
    expect(trace.cutOffCount).toBe(1);
  });

  it('handles any order, an end without a start, orphans, several traces and duplicate lines', () => {
    const lines = [
      ...spanLines({ trace: T2, span: C, name: 'other', startMs: 100, endMs: 110 }),
      ...spanLines({ trace: T1, span: B, name: 'child', parent: A, startMs: 5, endMs: 10 }),
      ...spanLines({ trace: T1, span: A, name: 'root', startMs: 0, endMs: 20 }),
    ];
    const endOnly = spanLines({ trace: T1, span: 'ddddddddddddddd4', name: 'late', parent: A, startMs: 2, endMs: 4 })[1]!;
    const orphan = spanLines({ trace: T1, span: 'eeeeeeeeeeeeeee5', name: 'lost', parent: 'fffffffffffffff6', startMs: 3, endMs: 6 });
    const all = [...lines.reverse(), endOnly, ...orphan, ...orphan, lines[0]!];
    const forest = buildSpanForest(records(all));
    expect(forest.traces.map((t) => t.traceId)).toEqual([T1, T2]);
    const t1 = forest.traces[0]!;
    expect(t1.spanCount).toBe(4);
    expect(t1.roots.map((r) => [r.name, r.orphan])).toEqual([
      ['root', false],
      ['lost', true],
    ]);
    const names: string[] = [];
    walkSpans(t1.roots, (node, depth) => names.push(`${depth}:${node.name}`));
    expect(names).toEqual(['0:root', '1:late', '1:child', '0:lost']);
    expect(t1.roots[0]?.children[0]?.start).toBeUndefined();
  });

  it('keeps two different logs of one span with the same time and event (messages logged at one instant), and still drops a repeated line', () => {
    const log = (content: string): string =>
      `{"__tracer_meta__":{"timestamp":"2025-10-26T12:00:00.001000Z","event":"log","type":"log","trace_id":"${T1}","span_id":"${A}"},"body":{"content":"${content}"}}`;
    const forest = buildSpanForest(
      records([...spanLines({ trace: T1, span: A, name: 'chat', startMs: 0, endMs: 10 }), log('system prompt'), log('user question'), log('user question')]),
    );
    expect(forest.traces[0]!.roots[0]!.logs.map((r) => (r.attrs.body as { content: string }).content)).toEqual(['system prompt', 'user question']);
  });

  it('attaches logs to their span, keeps logs of unknown spans at trace level and logs without trace at file level', () => {
    const forest = buildSpanForest(
      records([
        ...spanLines({ trace: T1, span: A, name: 'root', startMs: 0, endMs: 20 }),
        logLine('inside', 5, { trace: T1, span: A }),
        logLine('unknown span', 6, { trace: T1, span: B }),
        logLine('no trace', 7),
      ]),
    );
    expect(forest.traces[0]?.roots[0]?.logs.map((l) => l.event)).toEqual(['inside']);
    expect(forest.traces[0]?.logs.map((l) => l.event)).toEqual(['unknown span']);
    expect(forest.logs.map((l) => l.event)).toEqual(['no trace']);
  });

  it('updates incrementally as lines arrive: a running span turns final when its end comes', () => {
    const builder = new ForestBuilder();
    const [start, end] = spanLines({ trace: T1, span: A, name: 'job', startMs: 0, endMs: 40 });
    builder.add(records([start!]));
    expect(builder.forest().traces[0]?.roots[0]?.state).toBe('running');
    expect(builder.add(records([start!]))).toBe(0);
    builder.add(records([end!]));
    const node = builder.forest().traces[0]?.roots[0];
    expect(node?.state).toBe('ok');
    expect(node?.durationMs).toBe(40);
  });
});

const T3 = '0af7651916cd43dd8448eb211c80319c';
const SPANS = [A, B, C, 'ddddddddddddddd4', 'eeeeeeeeeeeeeee5'];

function eventLine(traceId: string, spanId: string, event: string, atMs: number): string {
  const timestamp = formatEpochMicros(Date.UTC(2025, 9, 26, 12, 0, 0) * 1000 + atMs * 1000);
  return encodeRecord({ timestamp, event, type: 'span_event', trace_id: traceId, span_id: spanId }, { at: atMs });
}

describe('ForestBuilder, incrementally', () => {
  it('rebuilds only the traces an add touched: the others keep their tree objects and places', () => {
    const builder = new ForestBuilder();
    builder.add(
      records([
        ...spanLines({ trace: T1, span: A, name: 'first', startMs: 0 }),
        ...spanLines({ trace: T2, span: B, name: 'second', startMs: 10, endMs: 20 }),
        ...spanLines({ trace: T3, span: C, name: 'third', startMs: 30 }),
      ]),
    );
    const before = builder.forest();
    const version = builder.version;
    builder.add(records([spanLines({ trace: T1, span: A, name: 'first', startMs: 0, endMs: 40 })[1]!]));
    const after = builder.forest();
    expect(after).not.toBe(before);
    expect(after.traces.map((t) => t.traceId)).toEqual([T1, T2, T3]);
    expect(after.traces[1]).toBe(before.traces[1]);
    expect(after.traces[2]).toBe(before.traces[2]);
    expect(after.traces[0]).not.toBe(before.traces[0]);
    expect(before.traces[0]?.roots[0]?.state).toBe('running');
    expect(after.traces[0]?.roots[0]?.state).toBe('ok');
    expect(builder.changedTraces(version)).toEqual([T1]);
    expect(builder.traceVersion(T1)).toBe(builder.version);
    expect(builder.traceVersion(T2)).toBeLessThan(builder.version);
    expect(builder.trace(T1)).toBe(after.traces[0]);
    expect(builder.forest()).toBe(after);
  });

  it('re-parents children when their parent arrives later, and moves a trace whose start moved earlier', () => {
    const builder = new ForestBuilder();
    builder.add(
      records([
        ...spanLines({ trace: T1, span: B, name: 'child', parent: A, startMs: 50, endMs: 60 }),
        ...spanLines({ trace: T2, span: C, name: 'other', startMs: 20, endMs: 30 }),
      ]),
    );
    expect(builder.forest().traces.map((t) => [t.traceId, t.roots[0]?.orphan])).toEqual([
      [T2, false],
      [T1, true],
    ]);
    builder.add(records(spanLines({ trace: T1, span: A, name: 'parent', startMs: 10, endMs: 70 })));
    const [first, second] = builder.forest().traces;
    expect(first?.traceId).toBe(T1);
    expect(first?.roots.map((r) => [r.name, r.children.map((c) => c.name)])).toEqual([['parent', ['child']]]);
    expect(second?.traceId).toBe(T2);
  });

  it('after setEnded rebuilds only the traces with unfinished roots, and turns them back to running when live again', () => {
    const builder = new ForestBuilder();
    builder.add(
      records([...spanLines({ trace: T1, span: A, name: 'open', startMs: 0 }), ...spanLines({ trace: T2, span: B, name: 'done', startMs: 10, endMs: 20 })]),
    );
    const live = builder.forest();
    const version = builder.version;
    builder.setEnded(true);
    const ended = builder.forest();
    expect(builder.changedTraces(version)).toEqual([T1]);
    expect(ended.traces[0]?.roots[0]?.state).toBe('cut_off');
    expect(ended.traces[0]?.cutOffCount).toBe(1);
    expect(ended.traces[1]).toBe(live.traces[1]);
    builder.setEnded(false);
    expect(builder.forest().traces[0]?.roots[0]?.state).toBe('running');
    expect(builder.forest().traces[0]?.ended).toBe(false);
  });

  it('with maxTraces forgets the least recently changed traces with their de-duplication keys, and says so', () => {
    const builder = new ForestBuilder({ maxTraces: 2 });
    const old = spanLines({ trace: T1, span: A, name: 'old', startMs: 0, endMs: 10 });
    builder.add(records(old));
    builder.add(records(spanLines({ trace: T2, span: B, name: 'middle', startMs: 20, endMs: 30 })));
    builder.add(records([logLine('late log keeps the old trace', 31, { trace: T1, span: A })]));
    const version = builder.version;
    builder.add(records(spanLines({ trace: T3, span: C, name: 'new', startMs: 40, endMs: 50 })));
    expect(builder.forest().traces.map((t) => t.traceId)).toEqual([T1, T3]);
    expect(builder.changedTraces(version).sort()).toEqual([T2, T3].sort());
    expect(builder.trace(T2)).toBeUndefined();
    expect(builder.traceVersion(T2)).toBeUndefined();
    // A record of a forgotten trace is new again.
    expect(builder.add(records(spanLines({ trace: T2, span: B, name: 'middle', startMs: 20, endMs: 30 })))).toBe(2);
    expect(builder.forest().traces.map((t) => t.traceId)).toEqual([T2, T3]);
    // One add that touches more traces than the bound keeps them all until the next add.
    builder.add(
      records([
        ...spanLines({ trace: T1, span: A, name: 'a', startMs: 60, endMs: 61 }),
        ...spanLines({ trace: T2, span: B, name: 'b', startMs: 62, endMs: 63 }),
        ...spanLines({ trace: T3, span: C, name: 'c', startMs: 64, endMs: 65 }),
      ]),
    );
    expect(builder.forest().traces).toHaveLength(3);
  });

  it('with maxLogs keeps only the most recent logs without a trace', () => {
    const builder = new ForestBuilder({ maxLogs: 2 });
    builder.add(records([logLine('one', 1), logLine('two', 2)]));
    builder.add(records([logLine('three', 3), logLine('two', 2)]));
    expect(builder.forest().logs.map((l) => l.event)).toEqual(['two', 'three']);
  });

  it('tells every trace as changed to a caller whose version is older than it remembers', () => {
    const builder = new ForestBuilder();
    builder.add(records(spanLines({ trace: T1, span: A, name: 'kept', startMs: 0 })));
    for (let i = 0; i < 3000; i++) builder.add(records([eventLine(T2, B, `tick ${i}`, i)]));
    expect(builder.changedTraces(0).sort()).toEqual([T1, T2].sort());
    expect(builder.changedTraces(builder.version - 1)).toEqual([T2]);
  });

  it('fed records in random batches builds the same forest as one build over all of them (duplicates, any order, ended flips)', () => {
    const item = fc.record({
      kind: fc.constantFrom('start', 'end', 'event', 'log', 'traceLog', 'looseLog', 'duplicate'),
      trace: fc.constantFrom(T1, T2, T3),
      span: fc.integer({ min: 0, max: SPANS.length - 1 }),
      parent: fc.option(fc.integer({ min: 0, max: SPANS.length }), { nil: undefined }),
      atMs: fc.integer({ min: 0, max: 100 }),
      pick: fc.nat(),
    });
    const step = fc.record({ size: fc.integer({ min: 0, max: 6 }), look: fc.boolean(), flip: fc.boolean() });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), fc.array(step, { maxLength: 12 }), fc.boolean(), (items, steps, startEnded) => {
        const lines: string[] = [];
        for (const { kind, trace, span, parent, atMs, pick } of items) {
          const spanId = SPANS[span]!;
          const parentId = parent === undefined ? undefined : (SPANS[parent] ?? 'fffffffffffffff6');
          if (kind === 'start') lines.push(spanLines({ trace: trace, span: spanId, name: `op${span}`, parent: parentId, startMs: atMs })[0]!);
          else if (kind === 'end')
            lines.push(spanLines({ trace: trace, span: spanId, name: `op${span}`, parent: parentId, startMs: atMs, endMs: atMs + (pick % 50) })[1]!);
          else if (kind === 'event') lines.push(eventLine(trace, spanId, `event${pick % 3}`, atMs));
          else if (kind === 'log') lines.push(logLine(`log${pick % 3}`, atMs, { trace: trace, span: spanId }));
          else if (kind === 'traceLog') lines.push(logLine(`trace log${pick % 3}`, atMs, { trace: trace }));
          else if (kind === 'looseLog') lines.push(logLine(`loose${pick % 3}`, atMs));
          else if (lines.length > 0) lines.push(lines[pick % lines.length]!);
        }
        const all = records(lines);
        const builder = new ForestBuilder({ ended: startEnded });
        let ended = startEnded;
        let at = 0;
        const snapshots: Array<{ forest: SpanForest; at: number; ended: boolean }> = [];
        for (const { size, look, flip } of steps) {
          builder.add(all.slice(at, at + size));
          at += size;
          if (flip) builder.setEnded((ended = !ended));
          if (look) snapshots.push({ forest: builder.forest(), at, ended });
        }
        builder.add(all.slice(at));
        expect(builder.forest()).toEqual(buildSpanForest(all, { ended }));
        // Earlier forests were right when returned and stayed so: later builds never edit published trees.
        for (const snapshot of snapshots) expect(snapshot.forest).toEqual(buildSpanForest(all.slice(0, snapshot.at), { ended: snapshot.ended }));
      }),
      { seed: 15, numRuns: 400 },
    );
  });
});
