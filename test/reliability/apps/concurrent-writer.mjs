// Several writers in one process (the main thread and worker threads), each with its own FileSink on the same
// path, appending span records as fast as they can. argv: file, records per writer, worker threads, mode.
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

async function writeAll({ file, records, writer, mode }) {
  const aitrace = createAitrace({ output: file, sync: mode === 'sync', config: false });
  const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
  const tracer = provider.getTracer('concurrency');
  // Each span gives a start and an end record; yielding now and then lets the asynchronous queue drain
  // instead of overflowing (which would drop records, as documented).
  for (let seq = 0; seq < records / 2; seq++) {
    tracer.startSpan('append', { attributes: { writer, seq, pad: 'x'.repeat(seq % 200) } }).end();
    if (seq % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await provider.shutdown();
  const stats = aitrace.writer.getStats();
  if (stats.dropped > 0 || stats.failedWrites > 0) throw new Error(`${writer}: ${JSON.stringify(stats)}`);
}

if (isMainThread) {
  const [file, records, threads, mode] = process.argv.slice(2);
  const base = { file, records: Number(records), mode };
  const workers = Array.from({ length: Number(threads) }, (_, i) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { ...base, writer: `${process.pid}/t${i + 1}` } });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
    });
  });
  await Promise.all([writeAll({ ...base, writer: `${process.pid}/main` }), ...workers]);
  process.stdout.write('done\n');
} else {
  await writeAll(workerData);
}
