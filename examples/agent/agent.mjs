// A tool-using "agent" traced with the aitrace developer API. Its tools call a local HTTP service, so helper
// spans and auto-instrumented HTTP spans nest in one tree. Usage: node agent.mjs [trace.jsonl] [--fresh]
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { autoSpan, createAitrace, getLogger, span, traceContext } from '@aitrace/otel';

const output = process.argv[2]?.startsWith('--') ? 'traces/agent.jsonl' : (process.argv[2] ?? 'traces/agent.jsonl');
if (process.argv.includes('--fresh')) rmSync(output, { force: true });

// --- setup: one call gives the span processor and the log processor for the same file
const aitrace = createAitrace({ output });
const resource = resourceFromAttributes({ 'service.name': 'research-agent' });
const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ resource, processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });
const http = createRequire(import.meta.url)('node:http');

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
const searchDocs = autoSpan(async function search_docs(query) {
  const response = await fetch(`${base}/docs?q=${encodeURIComponent(query)}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error);
  log.info('docs_found', { query, result: { chars: body.text.length, preview: body.text.slice(0, 24) } });
  return body.text;
}, { captureArgs: true });

const summarise = autoSpan(async function summarise(texts) {
  // The long-running step: visible as running in `aitrace tail -f` while it works.
  for (let chunk = 1; chunk <= 3; chunk++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    log.debug('summary_progress', { chunk, of: 3 });
  }
  return texts.map((text) => text.split(';')[0]).join(' ');
});

const sendEmail = autoSpan(async function send_email(message) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new Error(`mail server refused the message (${message.to})`);
}, { captureArgs: true });

// --- the run
await traceContext('agent.run', async () => {
  const plan = span('plan', () => {
    const steps = [{ tool: 'search_docs', args: ['tracing'] }, { tool: 'search_docs', args: ['jsonl'] }, { tool: 'search_docs', args: ['quantum'] }, { tool: 'summarise' }, { tool: 'send_email' }];
    log.info('plan_ready', { goal: 'explain trace files', steps });
    return steps;
  });
  const texts = [];
  for (const step of plan.filter((s) => s.tool === 'search_docs')) {
    try {
      texts.push(await searchDocs(...step.args));
    } catch (error) {
      log.warn('tool_failed', { tool: step.tool, args: step.args, reason: error.message });
    }
  }
  const summary = await summarise(texts);
  log.info('summary_ready', { summary });
  try {
    await sendEmail({ to: 'team@example.test', subject: 'Trace files', api_key: 'sk-live-123', body: summary });
  } catch (error) {
    log.error('delivery_failed', { error: { message: error.message }, retry: { after_s: 60 } });
  }
});

service.close();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
console.log(`trace written to ${output}`);
