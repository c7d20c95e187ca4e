import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CRASHED_TRACE, GENAI_TRACE, TOOL_NAMES, writeTraceSet, type ToolAnswer, type TraceSet } from './mcpTraces.js';
import { BIN, startCli } from './runCli.js';

const TOKEN = 'parity-token';
const dir = mkdtempSync(join(tmpdir(), 'aitrace-mcp-server-'));
const clients: Client[] = [];
let serve: ReturnType<typeof startCli>;
let url: string;
let set: TraceSet;

/** `aitrace mcp ...args` over stdio with the official SDK client (the SDK passes only a safe default environment, plus `env`). */
async function stdio(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'aitrace-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', ...args], env: { ...getDefaultEnvironment(), ...env }, stderr: 'pipe' }),
  );
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const traces = join(dir, 'traces');
  mkdirSync(traces);
  set = await writeTraceSet(traces);
  // A real `aitrace serve` process on a free port, watching the same files the stdio server reads.
  serve = startCli([
    'serve',
    '--port',
    '0',
    '--otlp-http-port',
    'off',
    '--otlp-grpc-port',
    'off',
    '--db',
    join(dir, 'traces.db'),
    '--token',
    TOKEN,
    '--watch',
    traces,
  ]);
  await serve.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
  url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serve.output())![1]!;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const listed = (await (await fetch(`${url}/api/traces`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { traces: unknown[] };
    if (listed.traces.length === 4) break;
    if (Date.now() > deadline) throw new Error(`the server stored ${listed.traces.length} of 4 traces`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 90_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  serve.child.kill('SIGINT');
  await serve.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe("the same tools give the same answers from files, from aitrace mcp --server and from the server's /mcp", () => {
  let files: Client;
  let remote: Client;
  let http: Client;
  beforeAll(async () => {
    // --idle 0: the writers are gone, so spans without an end are cut off on every side.
    files = await stdio(['--idle', '0', join(dir, 'traces')]);
    remote = await stdio(['--server', url, '--token', TOKEN, '--idle', '0']);
    http = new Client({ name: 'aitrace-test', version: '1.0.0' });
    await http.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    clients.push(http);
  });

  it('lists the same six tools with the same schemas', async () => {
    const [a, b, c] = await Promise.all([files.listTools(), remote.listTools(), http.listTools()]);
    expect(a.tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    expect(b.tools).toEqual(a.tools);
    expect(c.tools).toEqual(a.tools);
  });

  it('answers every tool alike, text and structured content, on the SDK, agent, GenAI and crashed traces', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['search_traces', {}],
      ['search_traces', { status: 'cut_off' }],
      ['search_traces', { model: 'local-chat' }],
      ['search_traces', { service: 'checkout', where: ['card.brand=visa'] }],
      ['search_traces', { text: 'declined' }],
      ['search_traces', { since: '2025-01-01T00:00:00Z', until: '2026-06-01T00:00:00Z' }],
      ['search_traces', { max_chars: 1500 }],
      ['find_errors', {}],
      ['find_errors', { group_by: 'file' }],
      ['find_errors', { trace_id: set.agentTrace }],
      ['get_stats', {}],
      ['get_stats', { trace_id: GENAI_TRACE }],
      ['running_spans', { include_cut_off: true }],
      ['get_trace', { trace_id: 'ffffffffffffffffffffffffffffffff' }],
      ['get_span', { trace_id: GENAI_TRACE, span_id: '0000000000000000' }],
    ];
    for (const trace of [set.sdkTrace, set.agentTrace, GENAI_TRACE, CRASHED_TRACE]) {
      calls.push(['get_trace', { trace_id: trace.slice(0, 12), messages: true }], ['get_trace', { trace_id: trace, depth: 1, max_chars: 1500 }]);
      // Every span of every trace, in full.
      const tree = await call(files, 'get_trace', { trace_id: trace, max_chars: 200_000 });
      for (const match of tree.text.matchAll(/#([0-9a-f]{16})$/gm)) calls.push(['get_span', { trace_id: trace, span_id: match[1]! }]);
    }
    expect(calls.length).toBeGreaterThan(45);
    for (const [name, args] of calls) {
      const fromFiles: ToolAnswer = await call(files, name, args);
      const label = `${name} ${JSON.stringify(args)}`;
      expect(await call(remote, name, args), `--server: ${label}`).toEqual(fromFiles);
      expect(await call(http, name, args), `/mcp: ${label}`).toEqual(fromFiles);
    }
  }, 60_000);
});

describe('aitrace mcp --server on a server that refuses, is down or does not know the trace', () => {
  it('tells a missing or wrong token as a tool error naming the 401, and goes on', async () => {
    const none = await stdio(['--server', url]);
    expect(await call(none, 'search_traces')).toEqual({
      isError: true,
      structured: {},
      text: `the aitrace server at ${url} refused the request (401): it requires a bearer token: pass --token T or set AITRACE_SERVER_TOKEN`,
    });
    const wrong = await stdio(['--server', url, '--token', 'not-the-token']);
    expect(await call(wrong, 'get_trace', { trace_id: GENAI_TRACE })).toMatchObject({
      isError: true,
      text: `the aitrace server at ${url} refused the request (401): the token is wrong: pass its --token (or AITRACE_SERVER_TOKEN)`,
    });
    expect((await wrong.listTools()).tools).toHaveLength(6);
    const fromEnv = await stdio(['--server', url], { AITRACE_SERVER_TOKEN: TOKEN });
    expect((await call(fromEnv, 'search_traces')).structured.total).toBe(4);
  });

  it('names an unknown trace id or prefix', async () => {
    const client = await stdio(['--server', url, '--token', TOKEN]);
    expect(await call(client, 'get_trace', { trace_id: '0123456789abcdef0123456789abcdef' })).toMatchObject({
      isError: true,
      text: 'no trace with id "0123456789abcdef0123456789abcdef"; search_traces lists the trace ids',
    });
    expect(await call(client, 'get_span', { trace_id: 'abc0', span_id: '0000000000000001' })).toMatchObject({
      isError: true,
      text: 'no trace with id "abc0"; search_traces lists the trace ids',
    });
    expect((await call(client, 'get_trace', { trace_id: GENAI_TRACE.slice(0, 6) })).structured).toMatchObject({ trace_id: GENAI_TRACE, spans: 3 });
  });

  it('with --max-traces, reads the newest traces only and says how to reach the others', async () => {
    const client = await stdio(['--server', url, '--token', TOKEN, '--max-traces', '2']);
    const newest = await call(client, 'search_traces');
    expect(newest.structured).toMatchObject({
      total: 2,
      omitted: 'only the newest 2 traces of the server were read; pass since and until (or service) to reach older ones',
    });
    expect(newest.text).toMatch(/\n\(only the newest 2 traces of the server were read; pass since and until \(or service\) to reach older ones\)$/);
    // A narrower scope reaches an older trace, and a trace read by id is never cut.
    expect((await call(client, 'search_traces', { until: '2025-12-31T00:00:00Z' })).structured).toMatchObject({
      total: 1,
      traces: [expect.objectContaining({ trace_id: CRASHED_TRACE })],
    });
    expect((await call(client, 'get_trace', { trace_id: CRASHED_TRACE })).structured).not.toHaveProperty('omitted');
  });

  it('refuses a bad --server URL or --token as a usage error before starting', async () => {
    const { runCli } = await import('./runCli.js');
    expect(runCli(['mcp', '--server', 'localhost:4319'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--server must be an http:// or https:// URL'),
    });
    expect(runCli(['mcp', '--server', url, join(dir, 'traces')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('either FILE|DIR arguments or --server URL, not both'),
    });
    expect(runCli(['mcp', '--token', TOKEN, join(dir, 'traces')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--token needs --server URL') });
  });

  it('tells a server that went down as a tool error, keeps running, and answers again once it is back', async () => {
    const client = await stdio(['--server', url, '--token', TOKEN]);
    expect((await call(client, 'search_traces')).structured.total).toBe(4);
    serve.child.kill('SIGINT');
    await serve.exited;
    const down = await call(client, 'search_traces');
    expect(down).toMatchObject({
      isError: true,
      text: `cannot reach the aitrace server at ${url} (ECONNREFUSED); is \`aitrace serve\` running there? The tools answer again once it is.`,
    });
    expect(await call(client, 'get_stats')).toMatchObject({ isError: true });
    expect((await client.listTools()).tools).toHaveLength(6);
    // The same database and port again: the MCP server, never restarted, answers from it.
    const port = new URL(url).port;
    serve = startCli(['serve', '--port', port, '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', '--db', join(dir, 'traces.db'), '--token', TOKEN]);
    await serve.waitFor(/listening on/);
    expect((await call(client, 'search_traces')).structured.total).toBe(4);
  }, 30_000);
});
