// Appends span records to a trace file (sync mode: one write per line) until SIGTERM, as another process sharing
// the file would. Prints "ready" once the first record is written. argv: file.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, sync: true, config: false });
const tracer = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }).getTracer('appender');
let seq = 0;
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
while (!stopping) {
  for (let i = 0; i < 2; i++, seq++) tracer.startSpan('steady', { attributes: { writer: 'appender', seq, pad: 'a'.repeat(seq % 300) } }).end();
  if (seq === 2) process.stdout.write('ready\n');
  // A few hundred records a second: a steady trickle, as from a worker doing real work.
  await new Promise((resolve) => setTimeout(resolve, 5));
}
process.stdout.write(`${seq}\n`);
