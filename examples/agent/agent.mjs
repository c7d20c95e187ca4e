// An LLM agent: the official `openai` client, traced by @opentelemetry/instrumentation-openai with message capture
// on, talks to a local OpenAI-compatible server (llmServer.mjs) that this script starts, so no network and no key
// are needed. The model asks for tools, one tool fails, the final answer streams. Its tools call a local HTTP
// service, so tool spans and auto-instrumented HTTP spans nest in one tree.
// Usage: node agent.mjs [trace.jsonl] [--fresh] [--note "text added to the question"]
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { autoSpan, createAitrace, getLogger, span, traceContext } from '@aitrace/otel';
import { startLlmServer } from './llmServer.mjs';

const output = process.argv[2]?.startsWith('--') ? 'traces/agent.jsonl' : (process.argv[2] ?? 'traces/agent.jsonl');
const noteAt = process.argv.indexOf('--note');
const note = noteAt > 0 ? ` ${process.argv[noteAt + 1] ?? ''}` : '';
if (process.argv.includes('--fresh')) rmSync(output, { force: true });

// --- setup: one call gives the span processor and the log processor for the same file
const aitrace = createAitrace({ output });
const resource = resourceFromAttributes({ 'service.name': 'research-agent' });
const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ resource, processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation(), new OpenAIInstrumentation({ captureMessageContent: true })],
});
// Loaded after the instrumentations are registered, so they can patch them.
const require = createRequire(import.meta.url);
const http = require('node:http');
const { OpenAI } = require('openai');

const log = getLogger('agent');

// --- a local "tool service" the agent calls over HTTP
const documents = {
  tracing: 'Spans record operations; a trace is a tree of spans.',
  jsonl: 'JSON Lines stores one JSON object per line.',
};
const service = http.createServer((req, res) => {
  const topic = new URL(req.url, 'http://localhost').searchParams.get('q');
  if (!(topic in documents)) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: `no document about ${topic}` }));
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ topic, text: documents[topic] }));
});
await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${service.address().port}`;

// --- tools, each traced by autoSpan; arguments are captured (and scrubbed: see api_key below)
const searchDocs = autoSpan(
  async function search_docs(query) {
    const response = await fetch(`${base}/docs?q=${encodeURIComponent(query)}`);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error);
    log.info('docs_found', { query, result: { chars: body.text.length, preview: body.text.slice(0, 24) } });
    return body.text;
  },
  { captureArgs: true },
);

const sendEmail = autoSpan(
  async function send_email(message) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error(`mail server refused the message (${message.to})`);
  },
  { captureArgs: true },
);

// --- the model, served locally
const llm = await startLlmServer();
const client = new OpenAI({ baseURL: llm.baseURL, apiKey: 'local-no-key-needed', maxRetries: 0 });
const model = 'gpt-4o-mini';
const tools = [
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: 'Looks a topic up in the docs.',
      parameters: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
    },
  },
];

/** Runs one tool call as an `execute_tool` span (GenAI conventions); a failure goes back to the model as text. */
function executeTool(call) {
  const { topic } = JSON.parse(call.function.arguments);
  const attributes = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': call.function.name,
    'gen_ai.tool.call.id': call.id,
    'gen_ai.tool.call.arguments': call.function.arguments,
  };
  return span(
    `execute_tool ${call.function.name}`,
    async (active) => {
      try {
        const text = await searchDocs(topic);
        active.setAttribute('gen_ai.tool.call.result', text);
        return text;
      } catch (error) {
        log.warn('tool_failed', { tool: call.function.name, topic, reason: error.message });
        throw error;
      }
    },
    { attributes },
  ).catch((error) => `error: ${error.message}`);
}

// --- the run
await traceContext(
  'invoke_agent research-agent',
  async () => {
    const messages = [
      { role: 'system', content: 'You explain things briefly, using only what search_docs returns.' },
      { role: 'user', content: `Explain trace files: look up [tracing], [jsonl] and [quantum].${note}` },
    ];
    const plan = await client.chat.completions.create({ model, messages, tools, max_tokens: 256 });
    const asked = plan.choices[0].message;
    messages.push(asked);
    for (const call of asked.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: await executeTool(call) });
    // The answer streams, as chat UIs do; the usage chunk at the end carries its token counts.
    const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let answer = '';
    for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? '';
    log.info('answer_ready', { answer });
    try {
      await sendEmail({ to: 'team@example.test', subject: 'Trace files', api_key: 'sk-live-123', body: answer });
    } catch (error) {
      log.error('delivery_failed', { error: { message: error.message }, retry: { after_s: 60 } });
    }
  },
  { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'research-agent', 'gen_ai.conversation.id': 'conv-trace-files' } },
);

await llm.close();
service.close();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
console.log(`trace written to ${output}`);
