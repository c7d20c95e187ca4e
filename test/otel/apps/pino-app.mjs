// pino logs inside a span, sent as OTel log records by @opentelemetry/instrumentation-pino. argv: file.
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createAitrace } from '@aitrace/otel';

const aitrace = createAitrace({ output: process.argv[2] });
const tracerProvider = new NodeTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new PinoInstrumentation()] });

const pino = createRequire(import.meta.url)('pino');
const log = pino({ level: 'debug' }, pino.destination({ dest: '/dev/null', sync: true }));
const tracer = tracerProvider.getTracer('orders');
tracer.startActiveSpan('order.place', (span) => {
  log.info({ order_id: 42, items: [{ sku: 'A-1', qty: 2 }] }, 'order accepted');
  log.warn('stock low');
  span.end();
});
log.error({ code: 'E_LATE' }, 'after the span');
await tracerProvider.shutdown();
await loggerProvider.shutdown();
