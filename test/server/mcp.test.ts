import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_SPANS, BIG_TRACE, call, CRASHED_TRACE, GENAI_TRACE, TOOL_NAMES, writeBigFile, writeTraceSet, type TraceSet } from '../cli/mcpTraces.js';
import { jsonl, startTestServer, type TestServer } from './harness.js';

const TOKEN = 'mcp-test-token';
const dir = mkdtempSync(join(tmpdir(), 'aitrace-server-mcp-'));
let server: TestServer;
let set: TraceSet;
const clients: Client[] = [];

/** The official SDK client on the server's /mcp over Streamable HTTP. */
async function connect(token: string | undefined = TOKEN): Promise<Client> {
  const client = new Client({ name: 'aitrace-test', version: '1.0.0' });
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
});
const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

beforeAll(async () => {
  const traces = join(dir, 'traces');
  mkdirSync(traces);
  set = await writeTraceSet(traces);
  await writeBigFile(join(traces, 'big.jsonl'));
  server = await startTestServer({ token: TOKEN, watch: [traces] });
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('aitrace serve offers the trace tools at /mcp over Streamable HTTP', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connect();
  });

  it('lists the six tools with their JSON Schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const t of tools) expect(t.inputSchema.properties).toHaveProperty('max_chars');
  });

  it('search_traces lists the stored traces and filters them as over stdio', async () => {
    const all = await call(client, 'search_traces');
    expect(all.text.split('\n')[0]).toBe('5 trace(s) match, newest first');
    expect(all.structured.total).toBe(5);
    expect((await call(client, 'search_traces', { status: 'cut_off' })).structured.traces).toEqual([
      expect.objectContaining({ trace_id: CRASHED_TRACE, root: 'agent.run', cut_off: expect.any(Number) }),
    ]);
    expect((await call(client, 'search_traces', { model: 'local-chat' })).structured.traces).toEqual([
      expect.objectContaining({ trace_id: GENAI_TRACE, llm_calls: 2, input_tokens: 1812, output_tokens: 71 }),
    ]);
    expect((await call(client, 'search_traces', { service: 'checkout', where: ['card.brand=visa'] })).structured.traces).toEqual([
      expect.objectContaining({ trace_id: set.sdkTrace, errors: 1 }),
    ]);
  });

  it("get_trace and get_span on the example agent's trace: the tree, the conversation, a failed tool", async () => {
    const tree = await call(client, 'get_trace', { trace_id: set.agentTrace.slice(0, 10), messages: true });
    expect(tree.isError).toBe(false);
    expect(tree.text).toMatch(/^trace [0-9a-f]{32} {2}research-agent {2}20 spans {2}4 errors/);
    expect(tree.text).toContain('user: Explain trace files: look up [tracing], [jsonl] and [quantum].');
    const failed = /✗ execute_tool search_docs [\d.]+ms error: no document about quantum.*#([0-9a-f]{16})/.exec(tree.text);
    expect(failed).not.toBeNull();
    const span = await call(client, 'get_span', { trace_id: set.agentTrace, span_id: failed![1]! });
    expect(span.structured).toMatchObject({ name: 'execute_tool search_docs', state: 'error', status_message: 'no document about quantum' });
    expect(span.text).toContain('gen_ai.tool.call.arguments = "{\\"topic\\":\\"quantum\\"}"');
    const chat = await call(client, 'get_span', { trace_id: GENAI_TRACE, span_id: 'aa00000000000002' });
    expect(chat.text).toContain('user: What is the weather in Paris?');
    expect(chat.structured.gen_ai).toEqual({ operation: 'chat', model: 'gpt-4o', input_tokens: 812, output_tokens: 21, messages: 2 });
  });

  it('find_errors, get_stats and running_spans answer from the store', async () => {
    const errors = await call(client, 'find_errors', { group_by: 'file' });
    expect(errors.structured.groups).toContainEqual(expect.objectContaining({ file: expect.stringMatching(/sdkTrace\.ts$/) }));
    expect(errors.structured.groups).toContainEqual(expect.objectContaining({ file: expect.stringMatching(/agent\.mjs$/) }));
    const stats = await call(client, 'get_stats', { trace_id: GENAI_TRACE });
    expect(stats.structured.models).toContainEqual({ model: 'gpt-4o', calls: 1, errors: 0, input_tokens: 812, output_tokens: 21, p50_ms: 400, p95_ms: 400 });
    // The crashed writer's last record is long past: its open spans are cut off, not running.
    const open = await call(client, 'running_spans', { include_cut_off: true });
    expect(open.text.split('\n')[0]).toMatch(/^0 span\(s\) running now; \d+ cut off/);
    expect(open.structured.spans).toContainEqual(expect.objectContaining({ trace_id: CRASHED_TRACE, name: 'agent.run', state: 'cut_off', running_ms: null }));
  });

  it('sees records stored after an earlier answer: a span in flight as running, then its end', async () => {
    const live = 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1';
    const post = (line: string): Promise<Response> =>
      server.request('/api/ingest', {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-ndjson' },
        body: jsonl([line]),
      });
    expect((await call(client, 'running_spans')).text).toMatch(
      /^0 span\(s\) running now; \d+ cut off \(never ended, their writer stopped\): pass include_cut_off to list them$/,
    );
    const startedAt = new Date();
    const start = `{"__tracer_meta__":{"format_version":2,"timestamp":"${startedAt.toISOString().replace('Z', '000Z')}","event":"nightly.job.start","type":"span_start","trace_id":"${live}","span_id":"c100000000000001","name":"nightly.job","provisional":true}}`;
    expect((await post(start)).status).toBe(200);
    expect((await call(client, 'get_trace', { trace_id: live })).text).toMatch(/└─ ▶ running nightly\.job #c100000000000001/);
    expect((await call(client, 'running_spans')).structured.spans).toEqual([
      expect.objectContaining({ trace_id: live, name: 'nightly.job', state: 'running', running_ms: expect.any(Number) }),
    ]);
    const end = `{"__tracer_meta__":{"format_version":2,"timestamp":"${new Date(startedAt.getTime() + 5).toISOString().replace('Z', '000Z')}","event":"nightly.job.end","type":"span_end","trace_id":"${live}","span_id":"c100000000000001","name":"nightly.job","status":"ok","start_time":"${startedAt.toISOString().replace('Z', '000Z')}","duration_ms":5}}`;
    expect((await post(end)).status).toBe(200);
    expect((await call(client, 'get_trace', { trace_id: live })).text).toMatch(/└─ ✓ nightly\.job 5\.00ms #c100000000000001/);
    expect((await call(client, 'running_spans')).structured.spans).toEqual([]);
    expect((await call(client, 'search_traces')).structured.total).toBe(6);
  });

  it('bad input comes back as tool errors that name it, and the server goes on', async () => {
    expect(await call(client, 'get_trace', { trace_id: 'ffffffffffffffffffffffffffffffff' })).toMatchObject({
      isError: true,
      text: 'no trace with id "ffffffffffffffffffffffffffffffff"; search_traces lists the trace ids',
    });
    expect(await call(client, 'get_trace', { trace_id: 'fff' })).toMatchObject({
      isError: true,
      text: 'no trace with id "fff"; search_traces lists the trace ids',
    });
    expect(await call(client, 'search_traces', { where: ['nokey'] })).toMatchObject({ isError: true, text: 'where expects key=value, got "nokey"' });
    expect((await call(client, 'search_traces')).structured.total).toBe(6);
  });
});

describe('the 100,000-span trace over /mcp', () => {
  it('get_trace answers within its budget and says how to get the rest; the other tools stay within theirs', async () => {
    const client = await connect();
    const first = await call(client, 'get_trace', { trace_id: BIG_TRACE });
    expect(first.structured).toMatchObject({ spans: BIG_SPANS, errors: 1 });
    expect(first.text.length + JSON.stringify(first.structured).length).toBeLessThanOrEqual(16_000);
    const more = /\n… ([\d,]+) more lines \(of (100,\d{3})\) not shown: call again with cursor=(\d+) for the next page, raise max_chars, or pass depth/.exec(
      first.text,
    );
    expect(more).not.toBeNull();
    const second = await call(client, 'get_trace', { trace_id: BIG_TRACE, cursor: Number(more![3]), max_chars: 2000 });
    expect(second.text.length + JSON.stringify(second.structured).length).toBeLessThanOrEqual(2000);
    expect(second.structured).toMatchObject({ first_line: Number(more![3]) });
    for (const [name, args, budget] of [
      ['search_traces', {}, 16_000],
      ['find_errors', { trace_id: BIG_TRACE }, 16_000],
      ['get_stats', { trace_id: BIG_TRACE }, 16_000],
      ['search_traces', { max_chars: 1500 }, 1500],
    ] as const) {
      const answer = await call(client, name, args);
      expect(answer.text.length + JSON.stringify(answer.structured).length, name).toBeLessThanOrEqual(budget);
    }
    expect((await call(client, 'find_errors', { trace_id: BIG_TRACE })).structured.errors).toEqual([
      expect.objectContaining({ span: 'item', message: '(no status message)' }),
    ]);
    console.log(`100,000-span trace over /mcp: get_trace ${first.text.length} chars + ${JSON.stringify(first.structured).length} structured`);
  }, 120_000);
});

describe('/mcp is guarded like the other data endpoints', () => {
  it('answers 401 without the token or with a wrong one, and the SDK client cannot connect', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token' }]) {
      const response = await server.request('/mcp', { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="aitrace"');
    }
    await expect(connect('wrong-token')).rejects.toThrow(/a bearer token is required/);
    const right = await server.request('/mcp', { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}` }, body: INITIALIZE });
    expect(right.status).toBe(200);
    expect(((await right.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe('aitrace');
  });

  it('refuses a page from another origin (403) and a Host it does not answer to (403)', async () => {
    const foreign = await server.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' },
      body: INITIALIZE,
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: string }).error).toMatch(/another origin \(https:\/\/evil\.example\)/);
    const site = await server.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}`, 'Sec-Fetch-Site': 'cross-site' },
      body: INITIALIZE,
    });
    expect(site.status).toBe(403);
    const own = await server.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}`, Origin: new URL(server.url).origin },
      body: INITIALIZE,
    });
    expect(own.status).toBe(200);
  });

  it('takes only POST, and a body that is not JSON is a 400 naming it', async () => {
    const get = await server.request('/mcp', { headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const bad = await server.request('/mcp', { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}` }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^the body of POST \/mcp must be a JSON-RPC message/);
  });
});
