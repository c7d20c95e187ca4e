// Ends every span it starts, with a long flush interval so records are still queued when the signal comes.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, how] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, flushIntervalMs: 60_000 });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const tracer = provider.getTracer('exit-test');
for (let i = 0; i < 200; i++) {
  const parent = tracer.startSpan(`request.${i}`);
  tracer.startSpan('db.query', {}, trace.setSpan(context.active(), parent)).end();
  parent.end();
}
if (how === 'exit') process.exit(0);
if (how === 'throw') setTimeout(() => { throw new Error('unhandled failure'); }, 10);
if (how === 'normal') setTimeout(() => undefined, 10);
if (how === 'sigterm') {
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1000);
}
