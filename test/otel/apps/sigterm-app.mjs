// Ends every span it starts, then ends the way argv[3] says. For the signal cases it prints "ready" and keeps the
// event loop busy for a while, so the records are still queued when the signal arrives. argv: file, how.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, how] = process.argv.slice(2);
const aitrace = createAitrace({ output: file });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const tracer = provider.getTracer('exit-test');
for (let i = 0; i < 200; i++) {
  const parent = tracer.startSpan(`request.${i}`);
  tracer.startSpan('db.query', {}, trace.setSpan(context.active(), parent)).end();
  parent.end();
}
if (how === 'exit') process.exit(0);
if (how === 'throw')
  setTimeout(() => {
    throw new Error('unhandled failure');
  }, 10);
if (how === 'normal') setTimeout(() => undefined, 10);
if (how === 'sigterm' || how === 'sigterm-handled') {
  const keepAlive = setInterval(() => undefined, 1000);
  if (how === 'sigterm-handled') {
    // The app's own handler decides when to stop; tracing must not end the process for it.
    process.on('SIGTERM', () => {
      setTimeout(() => {
        tracer.startSpan('shutdown.cleanup').end();
        clearInterval(keepAlive);
      }, 50);
    });
  }
  process.stdout.write('ready\n');
  const until = Date.now() + 1000;
  while (Date.now() < until);
}
