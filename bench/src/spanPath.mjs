// Span path: start+end of a span with 3 attributes, through aitrace and through the alternatives, per span.
import { closeSync, mkdtempSync, openSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';
import { compare } from './harness.mjs';

const SPANS = Number(process.env.BENCH_SPANS ?? 20_000);

/** An exporter that drops everything: the SDK's own floor. */
class NoopExporter {
  export(_spans, done) {
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** What a user would write today to get spans into a file: OTLP JSON, one export request per line. */
class OtlpJsonFileExporter {
  constructor(path) {
    this.fd = openSync(path, 'a');
  }
  export(spans, done) {
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    const line = Buffer.concat([Buffer.from(bytes), Buffer.from('\n')]);
    write(this.fd, line, (error) => done({ code: error ? ExportResultCode.FAILED : ExportResultCode.SUCCESS, error }));
  }
  shutdown() {
    closeSync(this.fd);
    return Promise.resolve();
  }
}

function tracerWith(processor) {
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('bench'), provider };
}

function spans(tracer) {
  for (let i = 0; i < SPANS; i++) {
    tracer.startSpan('GET /items/:id', { attributes: { 'http.request.method': 'GET', 'http.route': '/items/:id', 'item.id': i } }).end();
  }
}

/**
 * The raw limit: records with the same fields and values aitrace writes for a span (start and end), built as
 * object literals, serialised with JSON.stringify and written with batched writeSync; no OpenTelemetry.
 */
function rawWriter(path) {
  const fd = openSync(path, 'a');
  // The SDK's default resource, which aitrace writes on every record beside service.name.
  const resource = { 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '2.12.1' };
  let seq = 0;
  return () => {
    let batch = '';
    for (let i = 0; i < SPANS; i++) {
      const spanId = (++seq).toString(16).padStart(16, '0');
      const start = new Date().toISOString();
      const attributes = { 'http.request.method': 'GET', 'http.route': '/items/:id', 'item.id': i };
      batch += `${JSON.stringify({
        __tracer_meta__: { format_version: 2, timestamp: start, event: 'GET /items/:id.start', type: 'span_start', trace_id: '5b8efff798038103d269b633813fc60c', span_id: spanId, name: 'GET /items/:id', kind: 'internal', provisional: true, service: 'unknown_service:node', resource, scope: 'bench', pid: process.pid },
        ...attributes,
      })}\n`;
      batch += `${JSON.stringify({
        __tracer_meta__: { format_version: 2, timestamp: new Date().toISOString(), event: 'GET /items/:id.end', type: 'span_end', trace_id: '5b8efff798038103d269b633813fc60c', span_id: spanId, name: 'GET /items/:id', kind: 'internal', status: 'unset', start_time: start, duration_ms: 0.012, service: 'unknown_service:node', resource, scope: 'bench', pid: process.pid },
        ...attributes,
      })}\n`;
      if (batch.length >= 65536) {
        writeSync(fd, batch);
        batch = '';
      }
    }
    if (batch.length > 0) writeSync(fd, batch);
  };
}

/** Runs the span-path comparison; returns results keyed a..e. */
export async function spanPath() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-span-'));
  const batchOptions = { maxQueueSize: SPANS * 2, maxExportBatchSize: 512, scheduledDelayMillis: 100 };
  const a = createAitrace({ output: join(dir, 'a.jsonl'), config: false });
  const b = createAitrace({ output: join(dir, 'b.jsonl'), sync: true, config: false });
  const c = new BatchSpanProcessor(new NoopExporter(), batchOptions);
  const d = new BatchSpanProcessor(new OtlpJsonFileExporter(join(dir, 'd.jsonl')), batchOptions);
  const ta = tracerWith(a.spanProcessor);
  const tb = tracerWith(b.spanProcessor);
  const tc = tracerWith(c);
  const td = tracerWith(d);
  const raw = rawWriter(join(dir, 'e.jsonl'));
  const results = await compare([
    { name: 'a', run: async () => (spans(ta.tracer), await a.forceFlush(), SPANS) },
    { name: 'b', run: async () => (spans(tb.tracer), await b.forceFlush(), SPANS) },
    { name: 'c', run: async () => (spans(tc.tracer), await c.forceFlush(), SPANS) },
    { name: 'd', run: async () => (spans(td.tracer), await d.forceFlush(), SPANS) },
    { name: 'e', run: async () => (raw(), SPANS) },
  ]);
  await Promise.all([ta.provider.shutdown(), tb.provider.shutdown(), tc.provider.shutdown(), td.provider.shutdown()]);
  return results;
}
