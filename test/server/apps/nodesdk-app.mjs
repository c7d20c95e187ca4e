// A NodeSDK app configured only through OTEL_* environment variables (exporters, protocol, endpoint, headers).
// Prints {"traceId", "spanId", "pid"} once the SDK has shut down (and so has exported everything).
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';

const sdk = new NodeSDK({ instrumentations: [] });
sdk.start();
const tracer = trace.getTracer('nodesdk-app', '1.0.0');
const logger = logs.getLogger('nodesdk-app', '1.0.0');
const ids = tracer.startActiveSpan('job.run', { kind: SpanKind.CONSUMER, attributes: { 'job.id': 7, 'job.tags': ['a', 'b'] } }, (span) => {
  span.addEvent('step', { n: 1 });
  logger.emit({ eventName: 'job.note', severityNumber: SeverityNumber.WARN, body: 'careful', attributes: { k: 'v' } });
  span.recordException(new RangeError('boom'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end();
  return span.spanContext();
});
metrics.getMeter('nodesdk-app').createCounter('jobs').add(1);
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ traceId: ids.traceId, spanId: ids.spanId, pid: process.pid })}\n`);
