import { formatEpochMicros, normalizeRecord, type NormalizedRecord, type TracerMeta } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { buildSpanForest } from '../ForestBuilder.js';
import type { SpanNode } from '../types.js';
import { genAiView, mayReportUsage } from './genAiView.js';
import { subtreeTokens, tokensBySpan, traceTokens } from './tokenRollup.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T0 = Date.UTC(2026, 0, 1) * 1000;
let clock = 0;

function record(meta: Partial<TracerMeta>, attrs: Record<string, unknown>): NormalizedRecord {
  const result = normalizeRecord({ __tracer_meta__: { timestamp: formatEpochMicros(T0 + clock++ * 1000), trace_id: TRACE, ...meta }, ...attrs });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

function span(spanId: string, name: string, parent: string | undefined, attrs: Record<string, unknown>): NormalizedRecord[] {
  const base = { span_id: spanId, name, ...(parent === undefined ? {} : { parent_span_id: parent }) };
  const start = record({ ...base, event: `${name}.start`, type: 'span_start', provisional: true }, {});
  return [start, record({ ...base, event: `${name}.end`, type: 'span_end', status: 'ok', start_time: start.timestamp, duration_ms: 1 }, attrs)];
}

function only(records: NormalizedRecord[], spanId: string): SpanNode {
  const forest = buildSpanForest(records);
  const found: SpanNode[] = [];
  const visit = (node: SpanNode): void => {
    if (node.spanId === spanId) found.push(node);
    node.children.forEach(visit);
  };
  forest.traces.forEach((trace) => trace.roots.forEach(visit));
  return found[0]!;
}

describe('genAiView', () => {
  it('reads model, operation, finish reasons, tokens and the conversation from current-convention attributes (JSON text)', () => {
    const records = span('b7ad6b7169203331', 'chat gpt-4o', undefined, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 14,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 4,
      'gen_ai.conversation.id': 'conv-1',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_0', response: '{"temp":21}' }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', finish_reason: 'tool_calls', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      ]),
    });
    const view = genAiView(only(records, 'b7ad6b7169203331'));
    expect(view).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      model: 'gpt-4o-2024-08-06',
      finishReasons: ['tool_calls'],
      conversationId: 'conv-1',
      usage: { input: 120, output: 14, cached: 100, reasoning: 4 },
    });
    expect(view?.messages.map((m) => [m.role, m.text, m.output])).toEqual([
      ['system', 'Be terse.', false],
      ['user', 'Weather in Paris?', false],
      ['tool', '', false],
      ['assistant', '', true],
    ]);
    expect(view?.messages[2]?.toolResults).toEqual([{ id: 'call_0', result: { temp: 21 } }]);
    expect(view?.messages[3]?.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }]);
    expect(view?.messages[3]?.finishReason).toBe('tool_calls');
  });

  it('reads the older per-message log events, by their event name or their event.name attribute', () => {
    const id = 'c7ad6b7169203332';
    const records = [
      ...span(id, 'chat gpt-4o-mini', undefined, {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'llm.token_count.prompt': 9,
        'llm.token_count.completion': 3,
      }),
      record({ span_id: id, event: 'gen_ai.system.message', type: 'log' }, { body: { content: 'You help.' } }),
      record({ span_id: id, event: 'log', type: 'log' }, { 'event.name': 'gen_ai.user.message', body: { content: 'Hi' } }),
      record(
        { span_id: id, event: 'gen_ai.assistant.message', type: 'log' },
        { body: { tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] } },
      ),
      record({ span_id: id, event: 'gen_ai.tool.message', type: 'log' }, { body: { id: 'call_9', content: 'not found' } }),
      record({ span_id: id, event: 'gen_ai.choice', type: 'log' }, { body: { index: 0, finish_reason: 'stop', message: { content: 'Sorry.' } } }),
    ];
    const view = genAiView(only(records, id));
    expect(view).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', usage: { input: 9, output: 3 } });
    expect(view?.messages.map((m) => [m.role, m.text, m.finishReason])).toEqual([
      ['system', 'You help.', undefined],
      ['user', 'Hi', undefined],
      ['assistant', '', undefined],
      ['tool', 'not found', undefined],
      ['assistant', 'Sorry.', 'stop'],
    ]);
    expect(view?.messages[2]?.toolCalls).toEqual([{ id: 'call_9', name: 'lookup', arguments: { q: 'x' } }]);
    expect(view?.messages[3]?.toolResults).toEqual([{ id: 'call_9', result: 'not found' }]);
  });

  it('reads the inference details event with structured messages, and tool spans', () => {
    const id = 'd7ad6b7169203333';
    const records = [
      ...span(id, 'chat m', undefined, { 'gen_ai.operation.name': 'chat' }),
      record(
        { span_id: id, event: 'gen_ai.client.inference.operation.details', type: 'log' },
        {
          'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Q' }] }],
          'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'A' }] }],
        },
      ),
      ...span('e7ad6b7169203334', 'execute_tool get_weather', id, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      }),
    ];
    expect(genAiView(only(records, id))?.messages.map((m) => m.text)).toEqual(['Q', 'A']);
    expect(genAiView(only(records, 'e7ad6b7169203334'))?.tool).toEqual({
      name: 'get_weather',
      callId: 'call_1',
      arguments: { city: 'Paris' },
      result: undefined,
    });
    expect(genAiView(only(span('f7ad6b7169203335', 'db.query', undefined, { 'db.system': 'sqlite' }), 'f7ad6b7169203335'))).toBeUndefined();
  });
});

describe('token roll-ups', () => {
  it('sums model calls per subtree and per trace, without counting an agent span that sums its children again', () => {
    const agent = 'a0ad6b7169203330';
    const records = [
      ...span(agent, 'invoke_agent planner', undefined, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 7,
      }),
      ...span('a1ad6b7169203331', 'chat a', agent, { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 }),
      ...span('a2ad6b7169203332', 'step', agent, {}),
      ...span('a3ad6b7169203333', 'chat b', 'a2ad6b7169203332', {
        'gen_ai.usage.input_tokens': 20,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.usage.cache_read.input_tokens': 8,
      }),
    ];
    const forest = buildSpanForest(records);
    expect(traceTokens(forest.traces[0]!)).toEqual({ calls: 2, input: 30, output: 7, cached: 8, reasoning: undefined });
    expect(subtreeTokens(only(records, 'a2ad6b7169203332'))).toEqual({ calls: 1, input: 20, output: 5, cached: 8, reasoning: undefined });
  });

  it('gives every span with tokens below it its total in one pass, and leaves spans without any out', () => {
    const agent = 'b0ad6b7169203330';
    const records = [
      ...span(agent, 'invoke_agent', undefined, {}),
      ...span('b1ad6b7169203331', 'chat a', agent, { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 }),
      ...span('b2ad6b7169203332', 'lookup', agent, {}),
      ...span('b3ad6b7169203333', 'chat b', agent, { 'llm.token_count.prompt': 4, 'llm.token_count.completion': 1 }),
    ];
    const trace = buildSpanForest(records).traces[0]!;
    const bySpan = tokensBySpan(trace.roots);
    expect([...bySpan].map(([node, totals]) => [node.name, totals.calls, totals.input, totals.output])).toEqual(
      expect.arrayContaining([
        ['invoke_agent', 2, 14, 3],
        ['chat a', 1, 10, 2],
        ['chat b', 1, 4, 1],
      ]),
    );
    expect(bySpan.size).toBe(3);
    expect([
      mayReportUsage({ 'llm.token_count.prompt': 4 }),
      mayReportUsage({ 'gen_ai.usage.output_tokens': 0 }),
      mayReportUsage({ 'gen_ai.request.model': 'm' }),
    ]).toEqual([true, true, false]);
    expect(traceTokens(trace, bySpan)).toEqual(traceTokens(trace));
    expect(subtreeTokens(only(records, 'b2ad6b7169203332'))).toEqual({
      calls: 0,
      input: undefined,
      output: undefined,
      cached: undefined,
      reasoning: undefined,
    });
  });
});
