import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { encodeRecord, type TracerMeta } from '@aitrace/format';
import { fixture } from './runCli.js';
import { writeSdkTrace } from './sdkTrace.js';

/** A tool's answer: its text parts joined, its structured content, whether it is a tool error. */
export interface ToolAnswer {
  text: string;
  structured: Record<string, unknown>;
  isError: boolean;
}

/** Calls a tool with the official SDK client. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  return {
    text: content.map((part) => part.text).join('\n'),
    structured: (result.structuredContent ?? {}) as Record<string, unknown>,
    isError: result.isError === true,
  };
}

/** Polls a tool until its answer passes `check`, or fails at the deadline. */
export async function callUntil(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  check: (answer: ToolAnswer) => boolean,
  ms = 10_000,
): Promise<ToolAnswer> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await call(client, name, args);
    if (check(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out; last answer:\n${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The six tools, by name. */
export const TOOL_NAMES = ['find_errors', 'get_span', 'get_stats', 'get_trace', 'running_spans', 'search_traces'];

export const GENAI_TRACE = '5bf92f3577b34da6a3ce929d0e0e4736';
/** The trace of test/fixtures/crashed-process.jsonl: a writer killed with spans open. */
export const CRASHED_TRACE = 'be97f2fa26196196d1c776cef223b871';
export const BIG_TRACE = 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1';
export const BIG_SPANS = 100_000;

const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString().replace('Z', '000Z');

/** An ended span's record, started `startMs` after 2026-01-01. */
export function endRecord(
  traceId: string,
  spanId: string,
  name: string,
  parent: string | undefined,
  startMs: number,
  durationMs: number,
  attrs: Record<string, unknown>,
  status: 'ok' | 'error' = 'ok',
): string {
  const meta: TracerMeta = {
    trace_id: traceId,
    span_id: spanId,
    name,
    timestamp: at(startMs + durationMs),
    event: `${name}.end`,
    type: 'span_end',
    status,
    start_time: at(startMs),
    duration_ms: durationMs,
    ...(parent === undefined ? {} : { parent_span_id: parent }),
  } as TracerMeta;
  return encodeRecord(meta, attrs);
}

/** An agent run with two LLM calls whose conversation is in gen_ai.* message attributes. */
export function writeGenAiFile(file: string): string {
  const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }] }]);
  const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny, 21°C.' }], finish_reason: 'stop' }]);
  const lines = [
    endRecord(GENAI_TRACE, 'aa00000000000001', 'invoke_agent weather', undefined, 0, 900, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather',
    }),
    endRecord(GENAI_TRACE, 'aa00000000000002', 'chat gpt-4o', 'aa00000000000001', 10, 400, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 21,
      'gen_ai.input.messages': messages,
      'gen_ai.output.messages': output,
    }),
    endRecord(GENAI_TRACE, 'aa00000000000003', 'chat local-chat-model', 'aa00000000000001', 500, 300, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'local-chat-model',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 50,
    }),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** One trace of 100,000 spans: a root, 100 batches, 999 items each (998 in the last), one item failed (ended records only, as a long run writes them). */
export async function writeBigFile(file: string): Promise<string> {
  const out = createWriteStream(file);
  const id = (n: number): string => n.toString(16).padStart(16, '0');
  let chunk: string[] = [endRecord(BIG_TRACE, id(1), 'import', undefined, 0, 100_000, {})];
  for (let batch = 0; batch < 100; batch++) {
    const batchId = id(2 + batch);
    chunk.push(endRecord(BIG_TRACE, batchId, 'batch', id(1), batch * 1000, 999, { batch }));
    for (let item = 0; item < (batch === 99 ? 998 : 999); item++)
      chunk.push(
        endRecord(BIG_TRACE, id(1000 + batch * 1000 + item), 'item', batchId, batch * 1000 + item, 1, { item }, item === 500 && batch === 7 ? 'error' : 'ok'),
      );
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** Runs examples/agent (the official openai client, traced by its OpenTelemetry instrumentation, against a local model server) into `file`; returns its trace id. */
export function writeAgentTrace(file: string): string {
  const agentDir = fileURLToPath(new URL('../../examples/agent/', import.meta.url));
  const run = spawnSync(process.execPath, [join(agentDir, 'agent.mjs'), file], { cwd: agentDir, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`examples/agent failed: ${run.stderr}`);
  const metas = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { __tracer_meta__: { trace_id?: string; name?: string } }).__tracer_meta__);
  return metas.find((meta) => meta.name === 'invoke_agent research-agent')!.trace_id!;
}

/** The ids of the traces `writeTraceSet` wrote. */
export interface TraceSet {
  files: string[];
  sdkTrace: string;
  agentTrace: string;
}

/**
 * Writes real traces into `dir`, one file each: the real OTel SDK's (checkout, a declined card with an
 * exception), the example agent's, one with GenAI conversation attributes, and a crashed writer's with cut-off spans.
 */
export async function writeTraceSet(dir: string): Promise<TraceSet> {
  const sdkTrace = await writeSdkTrace(join(dir, 'sdk.jsonl'));
  const agentTrace = writeAgentTrace(join(dir, 'agent.jsonl'));
  writeGenAiFile(join(dir, 'genai.jsonl'));
  copyFileSync(fixture('crashed-process.jsonl'), join(dir, 'crashed.jsonl'));
  return { files: ['sdk.jsonl', 'agent.jsonl', 'genai.jsonl', 'crashed.jsonl'].map((name) => join(dir, name)), sdkTrace, agentTrace };
}
