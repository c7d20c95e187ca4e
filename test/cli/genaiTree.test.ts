import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonl, logLine, spanLines, TRACE_ID } from '@aitrace/testing';
import { runCli } from './runCli.js';

/** A span of 10 ms with its attributes on the end record, as the GenAI instrumentations write them. */
const spanPair = (span: string, name: string, parent: string | undefined, startMs: number, attrs: Record<string, unknown>): string[] =>
  spanLines({ span, name, parent, startMs, endMs: startMs + 10, endAttrs: attrs });

/** A GenAI event log (`event.name`, `body`) in a span. */
const log = (span: string, ms: number, eventName: string, body: unknown): string =>
  logLine('log', ms, { trace: TRACE_ID, span, attrs: { 'event.name': eventName, body } });

function traceFile(): string {
  const chat = '00f067aa0ba902b7';
  const long = `${'word '.repeat(100)}\u001b[31mred`;
  const lines = [
    ...spanPair('00f067aa0ba902b1', 'invoke_agent helper', undefined, 0, { 'gen_ai.operation.name': 'invoke_agent' }),
    ...spanPair(chat, 'chat gpt-4o', '00f067aa0ba902b1', 1, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 34,
    }),
    log(chat, 2, 'gen_ai.user.message', { content: long }),
    log(chat, 2, 'gen_ai.system.message', { content: 'Be brief.' }),
    log(chat, 9, 'gen_ai.choice', {
      index: 0,
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
    }),
    ...spanPair('00f067aa0ba902b8', 'chat gpt-4o', '00f067aa0ba902b1', 20, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024',
      'gen_ai.usage.input_tokens': 1300,
      'gen_ai.usage.output_tokens': 6,
    }),
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'aitrace-genai-tree-')), 'trace.jsonl');
  writeFileSync(file, jsonl(lines));
  return file;
}

describe('aitrace tree on LLM traces', () => {
  it('shows model and tokens in/out per LLM call and the trace totals in the header', () => {
    const { code, stdout } = runCli(['tree', traceFile()]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toContain('∑ in 2,500 · out 40 tok (2 LLM calls)');
    expect(lines.find((line) => line.includes('chat gpt-4o') && line.includes('in 1,200'))).toContain('gpt-4o in 1,200 · out 34 tok');
    expect(lines.find((line) => line.includes('in 1,300'))).toContain('gpt-4o-2024 in 1,300 · out 6 tok');
  });

  it('with --messages, shows the conversation under the span, long messages folded with their length, as safe text', () => {
    const { code, stdout } = runCli(['tree', '--messages', traceFile()]);
    expect(code).toBe(0);
    expect(stdout).toContain('system: Be brief.');
    expect(stdout).toMatch(/user: word word .*… \(508 chars\)/);
    expect(stdout).toContain('assistant → lookup({"q":"x"}) call_7 [tool_calls]');
    expect(stdout).not.toContain('\u001b[31m');
    // The raw message logs are replaced by the conversation.
    expect(stdout).not.toContain('event.name=gen_ai.user.message');
  });
});

describe('aitrace stats on LLM traces', () => {
  it('lists per model the calls, input and output tokens and latency p50/p95, as text and --json', () => {
    const file = traceFile();
    const text = runCli(['stats', file]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith('model'));
    expect(lines[header]).toMatch(/^model\s+calls\s+errors\s+input tok\s+output tok\s+p50\s+p95$/);
    expect(lines.slice(header + 1, header + 3)).toEqual([
      expect.stringMatching(/^gpt-4o\s+1\s+0\s+1,200\s+34\s+10\.0ms\s+10\.0ms$/),
      expect.stringMatching(/^gpt-4o-2024\s+1\s+0\s+1,300\s+6\s+10\.0ms\s+10\.0ms$/),
    ]);
    const json = JSON.parse(runCli(['stats', '--json', file]).stdout) as { models: unknown[] };
    expect(json.models).toEqual([
      { model: 'gpt-4o', calls: 1, errors: 0, input_tokens: 1200, output_tokens: 34, p50_ms: 10, p95_ms: 10 },
      { model: 'gpt-4o-2024', calls: 1, errors: 0, input_tokens: 1300, output_tokens: 6, p50_ms: 10, p95_ms: 10 },
    ]);
  });
});
