import { appendFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord, type TracerMeta } from '@aitrace/format';
import {
  BIG_SPANS,
  BIG_TRACE,
  call,
  callUntil as until,
  CRASHED_TRACE,
  endRecord,
  GENAI_TRACE,
  TOOL_NAMES,
  writeBigFile,
  writeTraceSet,
  type TraceSet,
} from './mcpTraces.js';
import { BIN, fixture } from './runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'aitrace-mcp-'));
const clients: Client[] = [];

/** Starts `aitrace mcp ...args` and connects the official SDK client to it over stdio. */
async function connect(...args: string[]): Promise<Client> {
  const client = new Client({ name: 'aitrace-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--interval', '50', ...args], stderr: 'pipe' }));
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const client of clients) await client.close();
});

describe('aitrace mcp over stdio with the MCP SDK client', () => {
  let client: Client;
  let set: TraceSet;
  let sdkTraceId: string;
  beforeAll(async () => {
    const traces = join(dir, 'traces');
    mkdirSync(traces);
    set = await writeTraceSet(traces);
    sdkTraceId = set.sdkTrace;
    // --idle 0: every writer is taken as gone, so spans without an end are cut off (the crashed fixture's).
    client = await connect('--idle', '0', traces);
  }, 60_000);

  it('lists the six tools, each with a description and a JSON Schema for its arguments', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.description!.length).toBeGreaterThan(80);
      expect(t.inputSchema.type).toBe('object');
      expect(t.inputSchema.properties).toHaveProperty('max_chars');
    }
    const getTrace = tools.find((t) => t.name === 'get_trace')!;
    expect(getTrace.inputSchema.required).toEqual(['trace_id']);
  });

  it('search_traces lists every trace compactly and filters by status, service, model, attribute and text', async () => {
    const all = await call(client, 'search_traces');
    expect(all.text.split('\n')[0]).toBe('4 trace(s) match, newest first');
    expect((all.structured.traces as unknown[]).length).toBe(4);
    const crashed = await call(client, 'search_traces', { status: 'cut_off' });
    expect(crashed.structured.traces).toEqual([expect.objectContaining({ trace_id: CRASHED_TRACE, root: 'agent.run' })]);
    expect(crashed.text).toMatch(/be97f2fa26196196d1c776cef223b871 .*cut off/);
    const model = await call(client, 'search_traces', { model: 'local-chat' });
    expect(model.structured.traces).toEqual([expect.objectContaining({ trace_id: GENAI_TRACE, llm_calls: 2, input_tokens: 1812, output_tokens: 71 })]);
    expect((await call(client, 'search_traces', { service: 'checkout', where: ['card.brand=visa'] })).structured.traces).toEqual([
      expect.objectContaining({ trace_id: sdkTraceId, errors: 1 }),
    ]);
    expect((await call(client, 'search_traces', { text: 'declined' })).structured.total).toBe(1);
    expect((await call(client, 'search_traces', { until: '2000-01-01T00:00:00Z' })).text).toBe('no trace in that time range or service');
    expect((await call(client, 'search_traces', { name: 'no.such.span' })).text).toBe('no trace matches (of 4)');
  });

  it("reads the example agent's trace: the LLM calls with model and tokens, the conversation, the failed tool and e-mail", async () => {
    const found = await call(client, 'search_traces', { model: 'gpt-4o-mini' });
    expect(found.structured.traces).toEqual([
      expect.objectContaining({ trace_id: set.agentTrace, root: 'invoke_agent research-agent', services: ['research-agent'], llm_calls: 2, errors: 4 }),
    ]);
    const tree = await call(client, 'get_trace', { trace_id: set.agentTrace, messages: true });
    expect(tree.text).toMatch(/├─ ✓ chat gpt-4o-mini \[client\] [\d.]+ms gpt-4o-mini-local in \d+ · out \d+ tok .*#[0-9a-f]{16}/);
    expect(tree.text).toContain('user: Explain trace files: look up [tracing], [jsonl] and [quantum].');
    expect(tree.text).toContain('assistant → search_docs({"topic":"quantum"}) call_3 [tool_calls]');
    const errors = await call(client, 'find_errors', { trace_id: set.agentTrace });
    const messages = (errors.structured.errors as { message: string; file: string | null }[]).map((item) => item.message);
    expect(messages).toEqual(expect.arrayContaining(['no document about quantum', 'mail server refused the message (team@example.test)']));
    const byFile = await call(client, 'find_errors', { trace_id: set.agentTrace, group_by: 'file' });
    expect(byFile.structured.groups).toContainEqual(expect.objectContaining({ file: expect.stringMatching(/agent\.mjs$/) }));
  });

  it('get_trace shows the tree with span ids; get_span shows attributes, events, source and the GenAI conversation', async () => {
    const tree = await call(client, 'get_trace', { trace_id: sdkTraceId.slice(0, 8) });
    expect(tree.text).toMatch(/^trace [0-9a-f]{32} {2}checkout/);
    expect(tree.text).toMatch(/└─ ✗ charge\.card \[client\] .*error: card declined .*#[0-9a-f]{16}/);
    expect(tree.text).toContain('! exception TypeError: card declined');
    const spanId = /charge\.card.*#([0-9a-f]{16})/.exec(tree.text)![1]!;
    const span = await call(client, 'get_span', { trace_id: sdkTraceId, span_id: spanId });
    expect(span.text).toContain('card.brand = "visa"');
    expect(span.text).toContain('status error: card declined');
    expect(span.text).toMatch(/at .*sdkTrace\.ts:\d+/);
    expect(span.structured).toMatchObject({ span_id: spanId, state: 'error', event_count: 2 });
    const chat = await call(client, 'get_span', { trace_id: GENAI_TRACE, span_id: 'aa00000000000002' });
    expect(chat.text).toContain('model gpt-4o  in 812 · out 21 tok');
    expect(chat.text).toContain('user: What is the weather in Paris?');
    expect(chat.text).toContain('assistant: Sunny, 21°C. [stop]');
    expect(chat.structured.gen_ai).toEqual({ operation: 'chat', model: 'gpt-4o', input_tokens: 812, output_tokens: 21, messages: 2 });
  });

  it('find_errors gives message, stack head and file:line, and groups by file', async () => {
    const errors = await call(client, 'find_errors');
    const items = errors.structured.errors as { type: string | null; message: string; file: string | null; line: number | null; stack_head: string[] }[];
    const declined = items.find((item) => item.message === 'card declined' && item.type === 'TypeError')!;
    expect(declined.file).toMatch(/sdkTrace\.ts$/);
    expect(declined.line).toBeGreaterThan(0);
    expect(declined.stack_head.length).toBeGreaterThan(0);
    expect(errors.text).toMatch(/TypeError: card declined {2}at .*sdkTrace\.ts:\d+/);
    const grouped = await call(client, 'find_errors', { group_by: 'file' });
    expect(grouped.structured.groups).toContainEqual(expect.objectContaining({ file: declined.file, lines: [declined.line] }));
  });

  it('get_stats gives latency by span name and tokens by model', async () => {
    const stats = await call(client, 'get_stats');
    expect(stats.text).toMatch(/^chat gpt-4o\s+1\s+0\s+0\s+400ms/m);
    expect(stats.text).toMatch(/^local-chat-model\s+1\s+0\s+1,000\s+50\s+300ms/m);
    expect(stats.structured.models).toContainEqual({ model: 'gpt-4o', calls: 1, errors: 0, input_tokens: 812, output_tokens: 21, p50_ms: 400, p95_ms: 400 });
  });

  it('bad input comes back as tool errors that name it, and the server goes on', async () => {
    const unknown = await call(client, 'get_trace', { trace_id: 'ffff' });
    expect(unknown).toMatchObject({ isError: true, text: 'no trace with id "ffff"; search_traces lists the trace ids' });
    expect(await call(client, 'search_traces', { where: ['nokey'] })).toMatchObject({ isError: true, text: 'where expects key=value, got "nokey"' });
    expect((await call(client, 'search_traces', { since: 'yesterday' })).text).toMatch(/^since must be an ISO date-time/);
    expect((await call(client, 'get_span', { trace_id: GENAI_TRACE, span_id: '0000000000000000' })).isError).toBe(true);
    expect((await call(client, 'search_traces')).structured.total).toBe(4);
  });

  it('running_spans tells cut-off spans of a crashed writer from running ones', async () => {
    const answer = await call(client, 'running_spans', { include_cut_off: true });
    expect(answer.text.split('\n')[0]).toMatch(/^0 span\(s\) running now; \d+ cut off/);
    expect(answer.structured.spans).toContainEqual(expect.objectContaining({ trace_id: CRASHED_TRACE, name: 'agent.run', state: 'cut_off' }));
  });
});

describe('aitrace mcp on bad lines, new files and bad cursors', () => {
  it('tells bad lines with the answers, picks up a trace file that appears in a directory, and refuses a cursor past the end', async () => {
    const watched = mkdtempSync(join(dir, 'watched-'));
    const client = await connect(watched, fixture('invalid-lines.jsonl'));
    const first = await call(client, 'search_traces');
    expect(first.text).toMatch(/\(\d+ problem\(s\) reading the traces; latest: .*invalid-lines\.jsonl:\d+: /);
    expect(first.structured.problems).toMatchObject({ count: expect.any(Number) });
    writeFileSync(join(watched, 'later.jsonl'), `${endRecord(GENAI_TRACE, 'aa00000000000009', 'late.span', undefined, 0, 5, {})}\n`);
    const found = await until(client, 'search_traces', { name: 'late.span' }, (answer) => answer.structured.total === 1);
    expect(found.structured.traces).toEqual([expect.objectContaining({ trace_id: GENAI_TRACE, root: 'late.span' })]);
    expect(await call(client, 'search_traces', { cursor: 5 })).toMatchObject({ isError: true, text: 'cursor 5 is past the end (1 items)' });
  });
});

describe('aitrace mcp on a file that grows', () => {
  it('shows a running span with its age, then the spans appended while it runs', async () => {
    const file = join(dir, 'live.jsonl');
    const now = new Date();
    const start = (traceId: string, spanId: string, name: string): string =>
      encodeRecord(
        { trace_id: traceId, span_id: spanId, name, timestamp: now.toISOString(), event: `${name}.start`, type: 'span_start', provisional: true } as TracerMeta,
        {},
      );
    writeFileSync(file, `${start('c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0', 'c000000000000001', 'long.job')}\n`);
    const live = await connect(file);
    const running = await call(live, 'running_spans');
    expect(running.text).toMatch(/^1 span\(s\) running now\n▶ running \S+ {2}long\.job {2}started/);
    appendFileSync(file, `${start('d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0', 'd000000000000001', 'new.request')}\n`);
    const found = await until(live, 'search_traces', { name: 'new.request' }, (answer) => answer.structured.total === 1);
    expect(found.structured.traces).toEqual([expect.objectContaining({ trace_id: 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0', running: 1 })]);
  });

  it("follows the file through a rotation: the spans before it stay, the new file's spans appear", async () => {
    const file = join(mkdtempSync(join(dir, 'rotating-')), 'app.jsonl');
    writeFileSync(file, `${endRecord('e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0', 'e000000000000001', 'before.rotation', undefined, 0, 5, {})}\n`);
    const client = await connect(file);
    expect((await call(client, 'search_traces')).structured.total).toBe(1);
    renameSync(file, join(file, '..', 'app.1.jsonl'));
    writeFileSync(file, `${endRecord('f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', 'f000000000000001', 'after.rotation', undefined, 10, 5, {})}\n`);
    const both = await until(client, 'search_traces', {}, (answer) => answer.structured.total === 2);
    expect((both.structured.traces as { root: string }[]).map((trace) => trace.root)).toEqual(['after.rotation', 'before.rotation']);
  });
});

describe('aitrace mcp answers on a 100,000-span trace stay within their budget', () => {
  let big: Client;
  beforeAll(async () => {
    big = await connect(await writeBigFile(join(dir, 'big.jsonl')));
  }, 120_000);

  it('get_trace: a page of whole lines within max_chars, with a cursor to the next page', async () => {
    const first = await call(big, 'get_trace', { trace_id: BIG_TRACE });
    expect(first.text.length + JSON.stringify(first.structured).length).toBeLessThanOrEqual(16_000);
    expect(first.text).toMatch(/\n… [\d,]+ more lines \(of 100,\d{3}\) not shown: call again with cursor=(\d+) for the next page/);
    const next = Number(/cursor=(\d+)/.exec(first.text)![1]);
    expect(first.structured).toMatchObject({ spans: BIG_SPANS, total_lines: expect.any(Number), next_cursor: next });
    const second = await call(big, 'get_trace', { trace_id: BIG_TRACE, cursor: next, max_chars: 2000 });
    expect(second.text.length + JSON.stringify(second.structured).length).toBeLessThanOrEqual(2000);
    expect(second.text.split('\n')[0]).toMatch(/^ {3}│ {2}[├└]─ ✓ item 1\.00ms item=\d+ #[0-9a-f]{16}$/);
    const shallow = await call(big, 'get_trace', { trace_id: BIG_TRACE, depth: 0 });
    expect(shallow.text).toContain('└─ ✓ import');
    expect(shallow.text).toContain('… 100 child span(s) below --depth');
    console.log(
      `100,000-span trace: get_trace ${first.text.length} chars + ${JSON.stringify(first.structured).length} structured; depth=0 ${shallow.text.length} chars`,
    );
  }, 60_000);

  it('search, errors, stats and running spans stay within the budget too', async () => {
    for (const [name, args] of [
      ['search_traces', {}],
      ['find_errors', {}],
      ['get_stats', {}],
      ['running_spans', {}],
      ['search_traces', { max_chars: 1500 }],
    ] as const) {
      const answer = await call(big, name, args);
      const budget = 'max_chars' in args ? args.max_chars : 16_000;
      expect(answer.text.length + JSON.stringify(answer.structured).length, name).toBeLessThanOrEqual(budget);
      console.log(`100,000-span trace: ${name} ${JSON.stringify(args)} ${answer.text.length} chars + ${JSON.stringify(answer.structured).length} structured`);
    }
    expect((await call(big, 'find_errors')).structured.errors).toEqual([expect.objectContaining({ span: 'item', message: '(no status message)' })]);
    expect((await call(big, 'get_stats')).text).toMatch(/^item\s+99,?899\s+1\s+0/m);
  }, 60_000);
});
