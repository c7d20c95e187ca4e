// A writer that rotates its trace file many times between two reads of a follower: bursts of spans into a file
// with a small maxFileSize. argv: file, spans, maxFileSize, maxFiles. Prints "done N" when all are written.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, spans, maxFileSize, maxFiles] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, maxFileSize: Number(maxFileSize), maxFiles: Number(maxFiles), flushIntervalMs: 5, config: false });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const tracer = provider.getTracer('rotation');
for (let i = 0; i < Number(spans); i++) {
  tracer.startSpan(`item.${i}`, { attributes: { i, padding: 'p'.repeat(100) } }).end();
  if (i % 40 === 39) await new Promise((resolve) => setTimeout(resolve, 5));
}
await provider.shutdown();
process.stdout.write(`done ${spans}\n`);
