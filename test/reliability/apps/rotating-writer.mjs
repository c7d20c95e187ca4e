// One of several processes that share a trace file with size-based rotation (cluster or PM2 workers with one
// AITRACE_OUTPUT). Writes span records as fast as it can and prints its writer's counts as JSON.
// argv: file, records, mode (async|sync), maxFileSize, maxFiles.
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
const [file, records, mode, maxFileSize, maxFiles] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, sync: mode === 'sync', maxFileSize: Number(maxFileSize), maxFiles: Number(maxFiles), config: false });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const tracer = provider.getTracer('rotation');
const writer = String(process.pid);
for (let seq = 0; seq < Number(records) / 2; seq++) {
  tracer.startSpan('append', { attributes: { writer, seq, pad: 'x'.repeat(seq % 100) } }).end();
  // Yielding lets the asynchronous queue drain instead of overflowing (which would drop records, as documented).
  if (seq % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
}
await provider.shutdown();
process.stdout.write(`${JSON.stringify(aitrace.writer.getStats())}\n`);
