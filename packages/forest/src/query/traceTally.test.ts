import type { NormalizedRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { spanListTokens } from '../genai/tokenRollup.js';
import { storedTrace } from './traceTally.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_761_480_000_000_000;

function span(id: string, type: 'span_start' | 'span_end', atMs: number, extra: Partial<NormalizedRecord> = {}): NormalizedRecord {
  const timeUs = T0 + atMs * 1000;
  return {
    formatVersion: 2,
    timestamp: '',
    timeUs,
    event: `x.${type}`,
    type,
    traceId: TRACE,
    spanId: id,
    name: `span ${id}`,
    provisional: type === 'span_start',
    meta: {},
    attrs: {},
    ...extra,
  };
}

describe('storedTrace (the trace-summary tally)', () => {
  it('counts spans once across start and end, errors, running spans, records, and the root', () => {
    const trace = storedTrace(TRACE, [
      [
        span('b', 'span_end', 30, { parentSpanId: 'a', status: 'error', startTimeUs: T0 + 10_000, service: 'worker' }),
        {
          formatVersion: 2,
          timestamp: '',
          timeUs: T0 + 5000,
          event: 'cache_miss',
          type: 'log',
          traceId: TRACE,
          spanId: 'b',
          provisional: false,
          meta: {},
          attrs: {},
          service: 'cache',
        },
      ],
      [span('a', 'span_start', 0, { service: 'api' }), span('c', 'span_start', 40, { parentSpanId: 'a' })],
      [span('a', 'span_end', 50, { startTimeUs: T0, status: 'ok' })],
    ]);
    expect(trace.summary).toEqual({
      traceId: TRACE,
      rootName: 'span a',
      rootSpanId: 'a',
      service: 'api',
      startUs: T0,
      endUs: T0 + 50_000,
      durationMs: 50,
      spanCount: 3,
      errorCount: 1,
      runningCount: 1,
      recordCount: 4,
      lastUs: T0 + 50_000,
      inputTokens: null,
      outputTokens: null,
      models: [],
      conversations: [],
    });
    expect(trace.spans.map((record) => [record.spanId, record.type])).toEqual([
      ['b', 'span_end'],
      ['a', 'span_end'],
      ['c', 'span_start'],
    ]);
    expect(trace.records.map((record) => record.event)).toEqual(['cache_miss']);
  });

  it('adds the model calls of an agent once, whatever arrives first, and lists models and conversations', () => {
    const agent = span('a', 'span_end', 90, {
      startTimeUs: T0,
      attrs: { 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 9, 'gen_ai.conversation.id': 'c-2' },
    });
    const call = (id: string, input: number, model: string) =>
      span(id, 'span_end', 20, {
        parentSpanId: 'a',
        attrs: { 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': 3 },
      });
    const summary = (batches: NormalizedRecord[][]) => storedTrace(TRACE, batches).summary;
    const expected = { inputTokens: 30, outputTokens: 6, models: ['gpt-4o', 'llama3'], conversations: ['c-2'] };
    expect(summary([[agent, call('b', 10, 'llama3'), call('c', 20, 'gpt-4o')]])).toMatchObject(expected);
    expect(summary([[call('c', 20, 'gpt-4o')], [call('b', 10, 'llama3')], [agent]])).toMatchObject(expected);
    // Without its calls, the agent's own figures count.
    expect(summary([[agent]])).toMatchObject({ inputTokens: 30, outputTokens: 9, models: [] });
  });

  it('rolls tokens up from a flat span list by the same rule as the span tree, orphans as roots', () => {
    const usage = (input: number) => ({ input, output: undefined, cached: undefined, reasoning: undefined });
    const none = { input: undefined, output: undefined, cached: undefined, reasoning: undefined };
    expect(
      spanListTokens([
        { spanId: 'a', parentSpanId: undefined, usage: usage(100) },
        { spanId: 'i', parentSpanId: 'a', usage: none },
        { spanId: 'b', parentSpanId: 'i', usage: usage(40) },
        { spanId: 'o', parentSpanId: 'missing', usage: usage(5) },
      ]),
    ).toEqual({ calls: 2, input: 45, output: undefined, cached: undefined, reasoning: undefined });
  });
});
