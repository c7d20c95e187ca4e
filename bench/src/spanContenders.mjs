// The span-path contenders, built the same way for the timing run and the instruction count.
import { closeSync, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

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

/** The SDK's floor: a processor that does nothing, so only span creation is left. */
const noopProcessor = { onStart() {}, onEnd() {}, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };

/** Contender labels, keyed as the tables print them. */
export const CONTENDERS = {
  a: 'aitrace, file, async (default)',
  b: 'aitrace, file, sync',
  c: 'SDK floor: no-op span processor',
  d: 'OTel BatchSpanProcessor + OTLP JSON to file',
};

/** Builds contender `key` writing under `dir`: `{ tracer, flush(), shutdown() }`. */
export function makeContender(key, dir, spans) {
  let processor;
  let flush;
  if (key === 'a' || key === 'b') {
    const aitrace = createAitrace({ output: join(dir, `${key}.jsonl`), sync: key === 'b', config: false });
    processor = aitrace.spanProcessor;
    flush = () => aitrace.forceFlush();
  } else if (key === 'c') {
    processor = noopProcessor;
    flush = () => Promise.resolve();
  } else {
    processor = new BatchSpanProcessor(new OtlpJsonFileExporter(join(dir, `${key}.jsonl`)), {
      maxQueueSize: spans * 2,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 100,
    });
    flush = () => processor.forceFlush();
  }
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('bench', '1.0.0'), flush, shutdown: () => provider.shutdown() };
}
