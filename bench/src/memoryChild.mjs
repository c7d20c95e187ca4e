// Runs in a fresh process: node memoryChild.mjs million|open|stalled|sdk-floor. Prints one JSON line of measurements.
// sdk-floor pushes the same spans through OpenTelemetry's BatchSpanProcessor with a no-op exporter: the memory the
// SDK itself needs, as the baseline for the others.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';
import { rssSampler } from './harness.mjs';

const mode = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-mem-'));

/** A sink whose writes never complete: a stalled disk or a stuck pipe. */
const stalledSink = {
  write: () => new Promise(() => undefined),
  writeSync: () => undefined,
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
  closeSync: () => undefined,
};

const aitrace = createAitrace({ output: mode === 'stalled' ? stalledSink : join(dir, 'trace.jsonl'), config: false });
const noop = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: () => Promise.resolve() };
const processor = mode === 'sdk-floor' ? new BatchSpanProcessor(noop, { maxQueueSize: 65_536, maxExportBatchSize: 512 }) : aitrace.spanProcessor;
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
const tracer = provider.getTracer('memory');
const attributes = (i) => ({ 'http.request.method': 'GET', 'http.route': '/items/:id', 'item.id': i });

globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
const baseline = process.memoryUsage().rss;
const sampler = rssSampler(5);
const started = Date.now();
if (mode === 'open') {
  const open = [];
  for (let i = 0; i < 10_000; i++) open.push(tracer.startSpan('long.task', { attributes: attributes(i) }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const span of open) span.end();
} else {
  // Yield now and then, as a real app does, so the asynchronous writer gets its turns.
  for (let i = 0; i < 1_000_000; i++) {
    tracer.startSpan('GET /items/:id', { attributes: attributes(i) }).end();
    if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
  }
}
if (mode !== 'stalled') await processor.forceFlush();
const { peakRss, peakHeap } = sampler.stop();
const stats = aitrace.writer.getStats();
process.stdout.write(
  `${JSON.stringify({ mode, baseline_mb: baseline / 2 ** 20, peak_rss_mb: peakRss / 2 ** 20, above_baseline_mb: (peakRss - baseline) / 2 ** 20, peak_heap_mb: peakHeap / 2 ** 20, seconds: (Date.now() - started) / 1000, written: stats.written, dropped: stats.dropped, queued: stats.queued })}\n`,
);
process.exit(0);
