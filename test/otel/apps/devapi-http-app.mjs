// Developer-API spans and logs inside an HTTP server instrumented by @opentelemetry/instrumentation-http. argv: file.
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { autoSpan, createAitrace, getLogger, span } from '@aitrace/otel';

const aitrace = createAitrace({ output: process.argv[2] });
const tracerProvider = new NodeTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const http = createRequire(import.meta.url)('node:http');
const log = getLogger('orders-api', { captureCallSite: true });

const loadOrder = autoSpan(async function load_order(id) {
  await new Promise((resolve) => setTimeout(resolve, 2));
  log.info('order_loaded', { id, lines: [{ sku: 'A-1', qty: 2 }] });
  return { id };
});

const server = http.createServer(async (req, res) => {
  const order = await span('handle.order', () => loadOrder(7));
  res.end(JSON.stringify(order));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
await new Promise((resolve, reject) => {
  http
    .get(`http://127.0.0.1:${server.address().port}/orders/7`, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
server.close();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
