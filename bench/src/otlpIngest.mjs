// OTLP ingest: spans sent by the real OpenTelemetry exporters (exporter-trace-otlp-proto over OTLP/HTTP protobuf,
// exporter-trace-otlp-grpc over OTLP/gRPC) from 4 concurrent senders into `aitrace serve`, each protocol into a
// fresh server, with the same batches (250 spans of one trace) as the JSONL ingest figure of the same run.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { median } from './harness.mjs';
import { BATCHES, SENDERS, SPANS_PER_BATCH, startServerChild } from './server.mjs';

/** Finished spans, one batch per array: a root and its children, with the attributes of the JSONL batches. */
function spanBatches() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('bench');
  return Array.from({ length: SENDERS }, () =>
    Array.from({ length: BATCHES }, () => {
      const root = tracer.startSpan('db.query', { attributes: { 'db.statement': 'SELECT * FROM items WHERE id = ?', row: 0 } });
      const inRoot = trace.setSpan(context.active(), root);
      for (let i = 1; i < SPANS_PER_BATCH; i++)
        tracer.startSpan('db.query', { attributes: { 'db.statement': 'SELECT * FROM items WHERE id = ?', row: i } }, inRoot).end();
      root.end();
      const batch = memory.getFinishedSpans();
      memory.reset();
      return batch;
    }),
  );
}

function exportBatch(exporter, batch) {
  return new Promise((resolve, reject) =>
    exporter.export(batch, (result) => (result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')))),
  );
}

async function storedSpans(port) {
  const stats = JSON.parse(
    await new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/stats' }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      })
        .once('error', reject)
        .end();
    }),
  );
  return stats.spans.reduce((n, s) => n + s.count, 0);
}

/** Sends every batch with one exporter per sender (each waits for its answer before the next), timing each export. */
async function drive(makeExporter, batches) {
  const exporters = batches.map(() => makeExporter());
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    batches.map(async (senderBatches, s) => {
      for (const batch of senderBatches) {
        const t = process.hrtime.bigint();
        await exportBatch(exporters[s], batch);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(exporters.map((exporter) => exporter.shutdown()));
  latencies.sort((a, b) => a - b);
  const spans = SENDERS * BATCHES * SPANS_PER_BATCH;
  return {
    spans,
    seconds,
    spans_per_s: spans / seconds,
    p50_ms: median(latencies),
    p99_ms: latencies[Math.ceil(0.99 * latencies.length) - 1],
    requests: latencies.length,
  };
}

/** Runs the OTLP ingest figures: http/protobuf and gRPC, each into its own fresh server. */
export async function otlpIngest() {
  const batches = spanBatches();
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-otlp-'));
  const protocols = {
    'http/protobuf': (ports) => () => new ProtoTraceExporter({ url: `http://127.0.0.1:${ports.otlpHttp}/v1/traces` }),
    grpc: (ports) => () => new GrpcTraceExporter({ url: `http://127.0.0.1:${ports.otlpGrpc}` }),
  };
  const results = {};
  for (const [protocol, exporterFor] of Object.entries(protocols)) {
    const server = await startServerChild(['aitrace-otlp', join(dir, `${protocol.replace('/', '-')}.db`)]);
    try {
      const run = await drive(exporterFor(server), batches);
      results[protocol] = { ...run, spans_stored: await storedSpans(server.port) };
    } finally {
      server.child.kill('SIGINT');
    }
  }
  return results;
}
