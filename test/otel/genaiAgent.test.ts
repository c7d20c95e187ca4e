import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { normalizeRecord, type NormalizedRecord } from '@aitrace/format';
import { buildSpanForest, genAiEventName, genAiView, traceTokens, walkSpans, type SpanNode } from '@aitrace/forest';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_SAMPLES } from '../fixtures/secretSamples.js';

const agent = fileURLToPath(new URL('../../examples/agent/agent.mjs', import.meta.url));
// Every secret shape, pasted into the user's question as people do.
const note = SECRET_SAMPLES.map((sample, i) => `note ${i}: ${sample.secret} ;`).join(' ');

let lines: string[];
let records: NormalizedRecord[];
let spans: SpanNode[];

beforeAll(async () => {
  const output = join(mkdtempSync(join(tmpdir(), 'aitrace-genai-')), 'agent.jsonl');
  // The example itself: the real openai client and instrumentation, against the local server it starts.
  await promisify(execFile)(process.execPath, [agent, output, '--fresh', '--note', note], { cwd: join(agent, '..'), timeout: 60_000 });
  lines = readFileSync(output, 'utf8').trim().split('\n');
  records = lines.map((line) => {
    const result = normalizeRecord(JSON.parse(line));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.record;
  });
  spans = [];
  const forest = buildSpanForest(records);
  for (const trace of forest.traces) walkSpans(trace.roots, (node) => void spans.push(node));
}, 90_000);

const chats = (): SpanNode[] => spans.filter((node) => node.attrs['gen_ai.operation.name'] === 'chat');

describe('the LLM agent example, traced through the real openai client and instrumentation', () => {
  it('keeps token counts as numbers on every LLM call, the streamed one too', () => {
    expect(chats().length).toBeGreaterThanOrEqual(2);
    for (const chat of chats()) {
      expect(typeof chat.attrs['gen_ai.usage.input_tokens']).toBe('number');
      expect(typeof chat.attrs['gen_ai.usage.output_tokens']).toBe('number');
    }
    expect(chats()[0]?.attrs['gen_ai.request.max_tokens']).toBe(256);
    const streamed = chats().find((chat) => genAiView(chat)?.finishReasons.includes('stop'));
    expect(streamed, 'the streamed answer has a finish reason and usage').toBeDefined();
    expect(genAiView(streamed!)?.usage.input).toBeGreaterThan(0);
  });

  it('redacts every secret shape in the prompt, and nothing else', () => {
    const text = lines.join('\n');
    for (const sample of SECRET_SAMPLES) expect(text, sample.kind).not.toContain(sample.secret.split('\n')[0]!.slice(sample.kept?.length ?? 0));
    const scrubbed = records.filter((r) => r.scrubbed !== undefined);
    const reasons = new Set(scrubbed.flatMap((r) => Object.values(r.scrubbed!)));
    const kinds = new Set(SECRET_SAMPLES.map((s) => s.kind));
    for (const reason of reasons) {
      if (reason === 'key names a credential') continue;
      for (const kind of reason.replace('secret value: ', '').split(', ')) expect(kinds.has(kind), reason).toBe(true);
    }
    // The only key-name redaction is the mail tool's api_key argument; prompts, answers and tool text stay as they were.
    const byKey = scrubbed.flatMap((r) =>
      Object.entries(r.scrubbed!)
        .filter(([, why]) => why === 'key names a credential')
        .map(([path]) => path),
    );
    expect(byKey.every((path) => path === 'args')).toBe(true);
    const user = records.find((r) => genAiEventName(r) === 'gen_ai.user.message');
    const content = (user?.attrs.body as { content: string }).content;
    expect(content).toContain('Explain trace files: look up [tracing], [jsonl] and [quantum].');
    for (const sample of SECRET_SAMPLES) expect(content).toContain(`[redacted: ${sample.kind}]`);
    expect(content.match(/note \d+:/g)).toHaveLength(SECRET_SAMPLES.length);
  });

  it('keeps the message events with their GenAI names, and reads the conversation from them', () => {
    // The record's own event is the GenAI event name (from the log's event.name attribute), not `log`.
    const names = records.map((r) => r.event).filter((name) => name.startsWith('gen_ai.'));
    expect(records.filter((r) => r.type === 'log' && r.event === 'log')).toEqual([]);
    expect(records.every((r) => genAiEventName(r) === r.event)).toBe(true);
    expect(new Set(names)).toEqual(
      new Set(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice']),
    );
    const [first, second] = chats().map((chat) => genAiView(chat)!);
    expect(first?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(first?.messages[2]?.toolCalls.map((call) => call.arguments)).toEqual([{ topic: 'tracing' }, { topic: 'jsonl' }, { topic: 'quantum' }]);
    expect(second?.messages.filter((m) => m.role === 'tool').map((m) => m.toolResults[0]?.id)).toEqual(['call_1', 'call_2', 'call_3']);
    expect(second?.messages.at(-1)).toMatchObject({ role: 'assistant', output: true, finishReason: 'stop' });
    expect(second?.messages.at(-1)?.text).toContain('JSON Lines stores one JSON object per line.');
  });

  it('shows the tool calls, the failing one as an error', () => {
    const toolSpans = spans.filter((node) => genAiView(node)?.operation === 'execute_tool');
    expect(toolSpans.map((node) => [genAiView(node)?.tool?.arguments, node.state])).toEqual([
      [{ topic: 'tracing' }, 'ok'],
      [{ topic: 'jsonl' }, 'ok'],
      [{ topic: 'quantum' }, 'error'],
    ]);
  });

  it('rolls the tokens up: the trace total is the sum of its LLM calls', () => {
    const forest = buildSpanForest(records);
    const totals = traceTokens(forest.traces[0]!);
    const sum = (key: 'gen_ai.usage.input_tokens' | 'gen_ai.usage.output_tokens'): number =>
      chats().reduce((total, chat) => total + Number(chat.attrs[key]), 0);
    expect(totals).toMatchObject({ calls: chats().length, input: sum('gen_ai.usage.input_tokens'), output: sum('gen_ai.usage.output_tokens') });
  });
});
