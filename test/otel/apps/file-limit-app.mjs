// Writes spans into a file that hits the process file size limit (set by the test with `ulimit -f`), as a full disk
// would; prints the writer's counts at the end. argv: file, mode (async|sync).
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
const [file, mode] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, sync: mode === 'sync', flushIntervalMs: 10, config: false });
const tracer = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }).getTracer('disk-full');
for (let i = 0; i < 60; i++) {
  tracer.startSpan(`chunk.${i}`, { attributes: { i, padding: 'p'.repeat(150) } }).end();
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await aitrace.forceFlush();
process.stdout.write(`${JSON.stringify(aitrace.writer.getStats())}\n`);
