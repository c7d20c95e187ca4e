import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAitrace } from '@aitrace/otel';
import { readTrace } from './traceFile.js';

const run = promisify(execFile);

/** An OpenAI-compatible chat completions endpoint on a free loopback port; it records what it was asked. */
function fakeOpenAi(): Promise<{ server: Server; url: string; requests: unknown[] }> {
  const requests: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ path: request.url, body: JSON.parse(body) as unknown });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1_761_480_000,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Paris' } }],
          usage: { prompt_tokens: 17, completion_tokens: 1, total_tokens: 18 },
        }),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests }));
  });
}

describe('log event names', () => {
  let openai: Awaited<ReturnType<typeof fakeOpenAi>>;
  beforeAll(async () => {
    openai = await fakeOpenAi();
  });
  afterAll(() => {
    openai.server.close();
  });

  it('names the gen_ai.* log events of @opentelemetry/instrumentation-openai after their event.name', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-openai-')), 'trace.jsonl');
    const app = fileURLToPath(new URL('./apps/openai-app.mjs', import.meta.url));
    const result = await run(process.execPath, [app, file, openai.url], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(openai.requests).toHaveLength(1);

    const records = readTrace(file);
    const span = records.find((r) => r.type === 'span_end');
    expect(span).toMatchObject({ name: 'chat gpt-4o-mini', kind: 'client' });
    const logs = records.filter((r) => r.type === 'log');
    expect(logs.map((r) => r.event)).toEqual(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.choice']);
    for (const log of logs)
      expect(log).toMatchObject({ traceId: span?.traceId, spanId: span?.spanId, level: 'info', scope: '@opentelemetry/instrumentation-openai' });
    expect(logs[1]?.attrs.body).toEqual({ content: 'Capital of France?' });
    expect(logs[2]?.attrs.body).toMatchObject({ finish_reason: 'stop', index: 0, message: { content: 'Paris' } });
  });

  it('takes the event from eventName first, then the event.name attribute, then the body', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-events-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const provider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
    const logger = provider.getLogger('events');
    logger.emit({ eventName: 'order.placed', attributes: { 'event.name': 'ignored.attribute', order: 7 }, body: 'a body' });
    logger.emit({ attributes: { 'event.name': 'order.shipped', order: 7 }, body: { carrier: 'ups' } });
    logger.emit({ attributes: { order: 7 }, body: 'order cancelled' });
    logger.emit({ attributes: { 'event.name': '' }, severityText: 'WARN' });
    await provider.shutdown();

    const records = readTrace(file);
    expect(records.map((r) => r.event)).toEqual(['order.placed', 'order.shipped', 'order cancelled', 'WARN']);
    expect(records[0]?.attrs).toEqual({ 'event.name': 'ignored.attribute', order: 7, body: 'a body' });
    expect(records[1]?.attrs).toEqual({ 'event.name': 'order.shipped', order: 7, body: { carrier: 'ups' } });
    expect(records[2]?.attrs).toEqual({ order: 7 });
  });
});
