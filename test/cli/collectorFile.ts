import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** What a generated Collector file holds. */
export interface CollectorTrace {
  traceId: string;
  rootSpanId: string;
  childSpanId: string;
}

/**
 * Writes an OTLP JSON Lines file exactly as the Collector's file exporter does, one export request per line:
 * the real OTel SDK and its OTLP/HTTP JSON exporters send to a local server that appends each body as a line.
 */
export async function writeCollectorFile(path: string): Promise<CollectorTrace> {
  writeFileSync(path, '');
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      appendFileSync(path, `${JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')))}\n`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const resource = resourceFromAttributes({ 'service.name': 'billing', 'service.version': '2.1.0', 'process.pid': 777 });
    const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))] });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })],
    });
    const tracer = tracerProvider.getTracer('billing-lib', '0.3.0');
    const root = tracer.startSpan('POST /invoice', { kind: SpanKind.SERVER, attributes: { 'http.route': '/invoice' } });
    const inRoot = trace.setSpan(context.active(), root);
    const child = tracer.startSpan('pdf.render', { attributes: { pages: 3 } }, inRoot);
    child.recordException(new RangeError('page 4 does not exist'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'page 4 does not exist' });
    loggerProvider
      .getLogger('billing-log')
      .emit({ context: trace.setSpan(inRoot, child), severityNumber: SeverityNumber.ERROR, body: 'render failed', attributes: { page: 4 } });
    child.end();
    root.end();
    await tracerProvider.shutdown();
    await loggerProvider.shutdown();
    return { traceId: root.spanContext().traceId, rootSpanId: root.spanContext().spanId, childSpanId: child.spanContext().spanId };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
