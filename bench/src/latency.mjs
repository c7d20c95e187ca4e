// Latency to disk: from starting a span to its start record being readable in the file, default settings.
// A worker thread watches the file and timestamps each start record as it appears.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 300);

const watcherSource = `
const { workerData, parentPort } = require('node:worker_threads');
const { openSync, readSync } = require('node:fs');
const started = new Float64Array(workerData.started);
const seen = new Float64Array(workerData.seen);
const fd = openSync(workerData.path, 'r');
parentPort.postMessage('ready');
const buffer = Buffer.alloc(1 << 20);
let offset = 0, rest = '', found = 0;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
while (found < workerData.samples) {
  const n = readSync(fd, buffer, 0, buffer.length, offset);
  if (n === 0) { Atomics.wait(sleeper, 0, 0, 0.2); continue; }
  const now = performance.timeOrigin + performance.now();
  offset += n;
  const lines = (rest + buffer.toString('utf8', 0, n)).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const match = /"sample":(\\d+)/.exec(line);
    if (match && line.includes('"span_start"')) { seen[Number(match[1])] = now; found++; }
  }
}
parentPort.postMessage('done');
`;

export async function latency() {
  const path = join(mkdtempSync(join(tmpdir(), 'aitrace-bench-latency-')), 'trace.jsonl');
  writeFileSync(path, '');
  const aitrace = createAitrace({ output: path, config: false });
  const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
  const tracer = provider.getTracer('latency');
  const started = new SharedArrayBuffer(8 * SAMPLES);
  const seen = new SharedArrayBuffer(8 * SAMPLES);
  const worker = new Worker(watcherSource, { eval: true, workerData: { path, started, seen, samples: SAMPLES } });
  // The watcher must be running before the first span starts, or its own start-up time counts as latency.
  await new Promise((resolve) => worker.once('message', resolve));
  const done = new Promise((resolve) => worker.once('message', resolve));
  const startedAt = new Float64Array(started);
  const open = [];
  for (let i = 0; i < SAMPLES; i++) {
    startedAt[i] = performance.timeOrigin + performance.now();
    open.push(tracer.startSpan('long.job', { attributes: { sample: i } }));
    // Spans start at irregular moments relative to the flush timer, as in a real app.
    await new Promise((resolve) => setTimeout(resolve, 3 + (i % 7)));
  }
  await done;
  for (const span of open) span.end();
  await provider.shutdown();
  await worker.terminate();
  const seenAt = new Float64Array(seen);
  const latencies = Array.from(startedAt, (t, i) => seenAt[i] - t).sort((a, b) => a - b);
  const pick = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  return { samples: SAMPLES, p50_ms: pick(0.5), p99_ms: pick(0.99), max_ms: latencies.at(-1) };
}
