// Writes one batch of spans into a rotating trace file; one span in the middle is larger than the process file size
// limit (set by the test with `ulimit -f`), so the batch is split by rotations and then fails, as on a full disk.
// Prints the writer's counts at the end. argv: file.
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
const [file] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, maxFileSize: 2000, maxFiles: 100, flushIntervalMs: 10, config: false });
const tracer = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }).getTracer('split-batch');
// No await in between: all of it becomes one batch.
for (let i = 0; i < 20; i++) tracer.startSpan(`small.${i}`, { attributes: { i, padding: 'p'.repeat(150) } }).end();
tracer.startSpan('too.large', { attributes: { i: 20, padding: 'L'.repeat(6000) } }).end();
for (let i = 21; i < 25; i++) tracer.startSpan(`small.${i}`, { attributes: { i } }).end();
// Retries every 10 ms for a while, as a process on a full disk would.
await new Promise((resolve) => setTimeout(resolve, 300));
await aitrace.forceFlush();
process.stdout.write(`${JSON.stringify(aitrace.writer.getStats())}\n`);
