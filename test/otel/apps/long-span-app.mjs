// Ends 50 spans, then starts a long one and prints "ready" at once, with no flush call: the writer alone must
// put the start on disk within its documented bound (flushIntervalMs, 100 ms). argv: file, mode.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, mode = 'async'] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, sync: mode === 'sync' });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const tracer = provider.getTracer('crash-test');
for (let i = 0; i < 50; i++) tracer.startSpan(`step.${i}`, { attributes: { i } }).end();
tracer.startSpan('long.running.job', { attributes: { payload: 'x'.repeat(200) } });
process.stdout.write('ready\n');
setInterval(() => tracer.startSpan('tick').end(), 5);
