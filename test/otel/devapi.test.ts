import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrace, unendedSpans } from './traceFile.js';

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), 'aitrace-devapi-')), 'trace.jsonl');

describe('developer API together with auto-instrumentation', () => {
  it('nests helper spans and logs under the HTTP server span that handles the request', () => {
    const file = tempFile();
    const app = fileURLToPath(new URL('./apps/devapi-http-app.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [app, file], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const records = readTrace(file);
    const ends = records.filter((r) => r.type === 'span_end');
    const client = ends.find((r) => r.kind === 'client');
    const server = ends.find((r) => r.kind === 'server');
    const handle = ends.find((r) => r.name === 'handle.order');
    const load = ends.find((r) => r.name === 'load_order');
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(handle?.parentSpanId).toBe(server?.spanId);
    expect(load?.parentSpanId).toBe(handle?.spanId);
    const log = records.find((r) => r.event === 'order_loaded');
    expect(log).toMatchObject({ spanId: load?.spanId, traceId: client?.traceId, level: 'info' });
    expect(log?.attrs).toEqual({ id: 7, lines: [{ sku: 'A-1', qty: 2 }] });
    expect(log?.file).toMatch(/devapi-http-app\.mjs$/);
    expect(log?.line).toBe(21);
  });
});

describe('the agent example', () => {
  it('writes a trace with LLM calls, tool spans nested under the agent, one failing tool and a failing mail step', () => {
    const file = tempFile();
    const app = fileURLToPath(new URL('../../examples/agent/agent.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [app, file], {
      encoding: 'utf8',
      timeout: 30_000,
      cwd: fileURLToPath(new URL('../../examples/agent/', import.meta.url)),
    });
    expect(result.status).toBe(0);
    const records = readTrace(file);
    expect(unendedSpans(records)).toEqual([]);
    const ends = records.filter((r) => r.type === 'span_end');
    const run = ends.find((r) => r.name === 'invoke_agent research-agent');
    const tools = ends.filter((r) => r.name === 'execute_tool search_docs');
    expect(tools).toHaveLength(3);
    expect(tools.every((s) => s.parentSpanId === run?.spanId)).toBe(true);
    expect(tools.filter((s) => s.status === 'error')).toHaveLength(1);
    expect(ends.filter((r) => r.name === 'chat gpt-4o-mini').every((s) => s.parentSpanId === run?.spanId)).toBe(true);
    const email = ends.find((r) => r.name === 'send_email');
    expect(email?.status).toBe('error');
    expect(String(email?.attrs.args)).toContain('"api_key":"[redacted: key names a credential');
    expect(String(email?.attrs.args)).not.toContain('sk-live-123');
    expect(records.find((r) => r.event === 'answer_ready')?.attrs.answer).toContain('JSON Lines stores one JSON object per line.');
  });
});
