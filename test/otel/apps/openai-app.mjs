// A chat completion through the official openai client, instrumented by @opentelemetry/instrumentation-openai,
// whose gen_ai.* log events go to aitrace. argv: file, base URL of an OpenAI-compatible server.
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createAitrace } from '@aitrace/otel';

const [file, baseURL] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, config: false });
const tracerProvider = new NodeTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })] });

const { OpenAI } = createRequire(import.meta.url)('openai');
const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You answer in one word.' },
    { role: 'user', content: 'Capital of France?' },
  ],
});
await tracerProvider.shutdown();
await loggerProvider.shutdown();
