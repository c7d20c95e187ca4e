// Traces a small HTTP API with the standard OTel instrumentations; every span lands in the trace file as it starts.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createAitrace } from '@aitrace/otel';

const output = process.argv[2] ?? 'traces/http-server.jsonl';
// --fresh starts a new file; by default records are appended to what is there.
if (process.argv.includes('--fresh')) rmSync(output, { force: true });
const aitrace = createAitrace({ output });
const resource = resourceFromAttributes({ 'service.name': 'inventory-api' });
const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ resource, processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });

// Loaded after the instrumentations are registered, so `http` is patched.
const http = createRequire(import.meta.url)('node:http');
const log = logs.getLogger('inventory');
const stock = { apple: 3, pear: 0 };

const server = http.createServer((req, res) => {
  const item = new URL(req.url, 'http://localhost').searchParams.get('item') ?? '';
  log.emit({ eventName: 'stock_lookup', severityNumber: 9, attributes: { item } });
  if (!(item in stock)) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: `unknown item ${item}` }));
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ item, count: stock[item] }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

await trace.getTracer('inventory-client').startActiveSpan('restock.check', async (span) => {
  for (const item of ['apple', 'pear', 'kiwi']) {
    const response = await fetch(`${base}/stock?item=${item}`);
    console.log(`${item}: ${response.status} ${await response.text()}`);
  }
  span.end();
});

server.close();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
console.log(`trace written to ${output}`);
