// Starts a span, records a checkpoint event and an exception on it, prints "ready" and then only waits on a long
// timer before ending the span: the events must reach the file while the span runs. argv: file, mode.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, mode = 'async'] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, sync: mode === 'sync', config: false });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const span = provider.getTracer('live-events').startSpan('long.job');
span.addEvent('checkpoint', { step: 1 });
span.recordException(new Error('step 2 failed, retrying'));
process.stdout.write('ready\n');
setTimeout(() => {
  span.end();
  void aitrace.shutdown();
}, 30_000);
