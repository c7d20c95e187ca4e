import { describe, expect, it } from 'vitest';
import { buildSpanForest, ForestBuilder, walkSpans } from './ForestBuilder.js';
import { readJsonl } from './LineReader.js';
import { logLine, spanLines } from './testing/testRecords.js';

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
    const forest = buildSpanForest(records([...spanLines(T1, A, 'root.op', undefined, 0, 30), ...spanLines(T1, B, 'child.op', A, 5, 10), ...spanLines(T1, C, 'child.op', A, 12, 20, { status: 'error' })]));
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
    const live = records([...spanLines(T1, A, 'root', undefined, 0, undefined), ...spanLines(T1, B, 'step', A, 1, undefined)]);
    expect(buildSpanForest(live).traces[0]?.roots[0]?.state).toBe('running');
    expect(buildSpanForest(live, { ended: true }).traces[0]?.roots[0]?.state).toBe('cut_off');
    const rootEnded = records([...spanLines(T1, A, 'root', undefined, 0, 50), ...spanLines(T1, B, 'step', A, 1, undefined)]);
    const trace = buildSpanForest(rootEnded).traces[0]!;
    expect(trace.roots[0]?.children[0]?.state).toBe('cut_off');
    expect(trace.cutOffCount).toBe(1);
  });

  it('handles any order, an end without a start, orphans, several traces and duplicate lines', () => {
    const lines = [...spanLines(T2, C, 'other', undefined, 100, 110), ...spanLines(T1, B, 'child', A, 5, 10), ...spanLines(T1, A, 'root', undefined, 0, 20)];
    const endOnly = spanLines(T1, 'ddddddddddddddd4', 'late', A, 2, 4)[1]!;
    const orphan = spanLines(T1, 'eeeeeeeeeeeeeee5', 'lost', 'fffffffffffffff6', 3, 6);
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
    const log = (content: string): string => `{"__tracer_meta__":{"timestamp":"2025-10-26T12:00:00.001000Z","event":"log","type":"log","trace_id":"${T1}","span_id":"${A}"},"body":{"content":"${content}"}}`;
    const forest = buildSpanForest(records([...spanLines(T1, A, 'chat', undefined, 0, 10), log('system prompt'), log('user question'), log('user question')]));
    expect(forest.traces[0]!.roots[0]!.logs.map((r) => (r.attrs.body as { content: string }).content)).toEqual(['system prompt', 'user question']);
  });

  it('attaches logs to their span, keeps logs of unknown spans at trace level and logs without trace at file level', () => {
    const forest = buildSpanForest(records([...spanLines(T1, A, 'root', undefined, 0, 20), logLine(T1, A, 'inside', 5), logLine(T1, B, 'unknown span', 6), logLine(undefined, undefined, 'no trace', 7)]));
    expect(forest.traces[0]?.roots[0]?.logs.map((l) => l.event)).toEqual(['inside']);
    expect(forest.traces[0]?.logs.map((l) => l.event)).toEqual(['unknown span']);
    expect(forest.logs.map((l) => l.event)).toEqual(['no trace']);
  });

  it('updates incrementally as lines arrive: a running span turns final when its end comes', () => {
    const builder = new ForestBuilder();
    const [start, end] = spanLines(T1, A, 'job', undefined, 0, 40);
    builder.add(records([start!]));
    expect(builder.forest().traces[0]?.roots[0]?.state).toBe('running');
    expect(builder.add(records([start!]))).toBe(0);
    builder.add(records([end!]));
    const node = builder.forest().traces[0]?.roots[0];
    expect(node?.state).toBe('ok');
    expect(node?.durationMs).toBe(40);
  });
});
