import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsOf } from './entryDetails.js';
import { NO_FILTER } from './spanFilter.js';
import { endLine, jsonl, startLine, type TestSpan } from '@aitrace/testing';
import { tokenBadge } from './tokenBadges.js';
import { childrenOf, fileEntry, type TraceEntry } from './traceEntries.js';
import { TraceFile } from './TraceFile.js';

const HOSTILE = '<script>alert(1)</script>\u001b[2J';
const AGENT: TestSpan = {
  span: '00000000000000a1',
  name: 'invoke_agent helper',
  startMs: 0,
  attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' },
};
const CHAT: TestSpan = {
  span: '00000000000000a2',
  parent: AGENT.span,
  name: 'chat gpt-4o-mini',
  startMs: 1,
  attrs: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 85,
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Weather? ${HOSTILE}` }] }]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }], finish_reason: 'tool_calls' },
    ]),
  },
};
const SECOND: TestSpan = {
  span: '00000000000000a3',
  parent: AGENT.span,
  name: 'chat gpt-4o-mini',
  startMs: 5,
  attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1300, 'gen_ai.usage.output_tokens': 20 },
};
const TOOL: TestSpan = {
  span: '00000000000000a4',
  parent: AGENT.span,
  name: 'execute_tool weather',
  startMs: 3,
  attrs: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'weather',
    'gen_ai.tool.call.id': 'call_1',
    'gen_ai.tool.call.arguments': '{"city":"Oslo"}',
    'gen_ai.tool.call.result': 'rain',
  },
};

let dir: string;
let file: TraceFile;
let trace: TraceEntry;
let spans: TraceEntry[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aitrace-genai-entries-'));
  file = new TraceFile(join(dir, 'agent.jsonl'));
  writeFileSync(
    file.path,
    jsonl(
      startLine(AGENT),
      startLine(CHAT),
      endLine({ ...CHAT, endMs: 2 }),
      startLine(TOOL),
      endLine({ ...TOOL, endMs: 4 }),
      startLine(SECOND),
      endLine({ ...SECOND, endMs: 6 }),
      endLine({ ...AGENT, endMs: 7 }),
    ),
  );
  await file.refresh();
  trace = childrenOf(fileEntry(file), NO_FILTER)[0]!;
  const [agent] = childrenOf(trace, NO_FILTER);
  spans = [agent!, ...childrenOf(agent!, NO_FILTER)];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const span = (name: string, nth = 0): TraceEntry => spans.filter((entry) => entry.kind === 'span' && entry.span.name === name)[nth]!;

describe('token badges in the tree', () => {
  it('shows a model call its own counts, and the agent span and the trace the ∑ of the calls', () => {
    expect(tokenBadge(span('chat gpt-4o-mini'))).toEqual({ text: '1,200 in · 85 out', tooltip: 'tokens (gpt-4o-mini-2024): 1,200 input, 85 output' });
    expect(tokenBadge(span('invoke_agent helper'))).toEqual({ text: '∑ 2,605 tok', tooltip: 'tokens below: 2 model calls: 2,500 input, 105 output' });
    expect(tokenBadge(trace)).toEqual({ text: '∑ 2,605 tok', tooltip: 'tokens: 2 model calls: 2,500 input, 105 output' });
    expect(tokenBadge(span('execute_tool weather'))).toBeUndefined();
    expect(tokenBadge(fileEntry(file))).toBeUndefined();
  });
});

describe('the conversation in the details view', () => {
  it('lists the messages with roles, text as written, tool calls with parsed arguments, model and finish reason', () => {
    expect(detailsOf(span('chat gpt-4o-mini')).genai).toEqual({
      operation: 'chat',
      request_model: 'gpt-4o-mini',
      response_model: 'gpt-4o-mini-2024',
      finish_reasons: ['tool_calls'],
      tokens: { input: 1200, output: 85 },
      conversation: [
        { role: 'system', text: 'Be brief.' },
        { role: 'user', text: `Weather? ${HOSTILE}` },
        { role: 'assistant', tool_calls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }], finish_reason: 'tool_calls' },
      ],
    });
  });

  it('shows a tool call with its arguments and result, the agent with the ∑ below it, the trace with its total', () => {
    expect(detailsOf(span('execute_tool weather')).genai).toEqual({
      operation: 'execute_tool',
      tool: { name: 'weather', call_id: 'call_1', arguments: { city: 'Oslo' }, result: 'rain' },
    });
    expect(detailsOf(span('invoke_agent helper')).genai).toEqual({
      operation: 'invoke_agent',
      agent: 'helper',
      tokens_below: { calls: 2, input: 2500, output: 105 },
    });
    expect(detailsOf(trace).tokens).toEqual({ calls: 2, input: 2500, output: 105 });
  });
});
