import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { normalizeRecord, otlpLogsRequestToRecords, otlpTraceRequestToRecords, type NormalizedRecord } from '@aitrace/format';
import { MemorySink, TraceRecordLogExporter, TraceRecordSpanProcessor } from '@aitrace/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from './harness.js';

/**
 * What only one side can know, so the comparison leaves it out:
 * - a span start's attributes: in-process, the attributes given at start; an OTLP receiver only sees the ended
 *   span, so its start record carries the final attributes (after the end supersedes the start, both agree);
 * - the call site captured from the stack (`captureStack: true`): in-process only; both read `code.*` attributes.
 */
function comparable(record: NormalizedRecord): NormalizedRecord {
  return record.type === 'span_start' ? { ...record, attrs: {} } : record;
}

const order = (a: NormalizedRecord, b: NormalizedRecord): number =>
  a.timeUs - b.timeUs || a.type.localeCompare(b.type) || (a.spanId ?? '').localeCompare(b.spanId ?? '') || a.event.localeCompare(b.event);

function read(line: string): NormalizedRecord {
  const result = normalizeRecord(JSON.parse(line));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

/** An OTLP/HTTP endpoint that keeps each request body as sent by the exporters, and answers success. */
function captureServer(): Promise<{ server: Server; url: string; bodies: Map<string, unknown[]> }> {
  const bodies = new Map<string, unknown[]>([
    ['/v1/traces', []],
    ['/v1/logs', []],
  ]);
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.get(request.url ?? '')?.push(JSON.parse(text) as unknown);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies })),
  );
}

describe('the same spans and logs, in-process and over OTLP, give the same records', () => {
  let otlpServer: TestServer;
  let jsonlServer: TestServer;
  let capture: Awaited<ReturnType<typeof captureServer>>;
  beforeAll(async () => {
    [otlpServer, jsonlServer, capture] = await Promise.all([startTestServer(), startTestServer(), captureServer()]);
  });
  afterAll(async () => {
    capture.server.close();
    await Promise.all([otlpServer.stop(), jsonlServer.stop()]);
  });

  it('through TraceRecordSpanProcessor/TraceRecordLogExporter and through the OTLP HTTP exporters into aitrace serve', async () => {
    const resource = resourceFromAttributes({
      'service.name': 'shop',
      'service.version': '2.4.1',
      'deployment.environment.name': 'staging',
      'host.name': 'web-1',
      'k8s.pod.name': 'shop-7d9f',
      'process.pid': process.pid,
    });
    const spanSink = new MemorySink();
    const logSink = new MemorySink();
    const tracerProvider = new BasicTracerProvider({
      resource,
      spanLimits: { attributeCountLimit: 6 },
      spanProcessors: [
        new TraceRecordSpanProcessor({ output: spanSink, sync: true, config: false }),
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${capture.url}/v1/traces` })),
      ],
    });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({ exporter: new TraceRecordLogExporter({ output: logSink, sync: true, config: false }) }),
        new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${capture.url}/v1/logs` }) }),
      ],
    });
    const tracer = tracerProvider.getTracer('shop.checkout', '1.0.0');
    const logger = loggerProvider.getLogger('shop.log', '0.3.0');

    const root = tracer.startSpan('POST /checkout', {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/checkout', ratio: 0.25, tags: ['a', 'b'], retried: false },
    });
    root.setAttribute('http.response.status_code', 500);
    const inRoot = trace.setSpan(context.active(), root);
    const charge = tracer.startSpan(
      'charge.card',
      { kind: SpanKind.CLIENT, attributes: { amount: 1999, 'code.file.path': '/app/pay.ts', 'code.line.number': 42, 'code.function.name': 'charge' } },
      inRoot,
    );
    charge.addEvent('retry', { attempt: 2 });
    charge.recordException(new TypeError('card declined'));
    charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    const inCharge = trace.setSpan(context.active(), charge);
    logger.emit({
      eventName: 'payment.attempt',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      attributes: { attempt: 2, card: { brand: 'visa' } },
      context: inCharge,
    });
    logger.emit({
      attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' },
      body: { content: 'hi' },
      severityNumber: SeverityNumber.INFO,
      context: inCharge,
    });
    logger.emit({
      body: 'card declined by issuer',
      severityNumber: SeverityNumber.WARN2,
      attributes: { 'code.file.path': '/app/pay.ts', 'code.line.number': 50 },
      context: inCharge,
    });
    logger.emit({ body: { msg: 'retry scheduled', in_ms: 250 }, severityText: 'WARNING', context: inRoot });
    logger.emit({ body: 7, severityNumber: SeverityNumber.DEBUG, context: inRoot });
    charge.end();
    const publish = tracer.startSpan(
      'orders publish',
      { kind: SpanKind.PRODUCER, links: [{ context: charge.spanContext(), attributes: { reason: 'retry' } }] },
      inRoot,
    );
    publish.setStatus({ code: SpanStatusCode.OK });
    publish.end();
    const wide = tracer.startSpan('wide', { attributes: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 } }, inRoot);
    wide.end();
    const consume = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER }, inRoot);
    consume.end();
    root.end();
    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
    const traceId = root.spanContext().traceId;

    // Raw records: the in-process lines against the receiver's conversion of what the exporters sent.
    const inProcess = [...spanSink.lines(), ...logSink.lines()].map(read);
    const overOtlp = [
      ...capture.bodies.get('/v1/traces')!.flatMap((body) => otlpTraceRequestToRecords(body).records),
      ...capture.bodies.get('/v1/logs')!.flatMap((body) => otlpLogsRequestToRecords(body).records),
    ];
    expect(inProcess).toHaveLength(5 * 2 + 2 + 5);
    expect(overOtlp.map(comparable).sort(order)).toEqual(inProcess.map(comparable).sort(order));
    // The records differ only where the list above says: the start attributes given after start.
    const rootStart = (records: NormalizedRecord[]) => records.find((r) => r.type === 'span_start' && r.spanId === root.spanContext().spanId)?.attrs;
    expect(rootStart(inProcess)).not.toHaveProperty('http.response.status_code');
    expect(rootStart(overOtlp)).toHaveProperty('http.response.status_code', 500);

    // Stored records: the exporters' requests into one aitrace serve, the in-process file into another.
    for (const [path, list] of capture.bodies) {
      for (const body of list) {
        const answer = await otlpServer.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        expect(await answer.json()).toEqual({});
      }
    }
    const lines = [...spanSink.lines(), ...logSink.lines()].map((line) => `${line}\n`).join('');
    expect((await jsonlServer.request('/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: lines })).status).toBe(200);
    const stored = async (server: TestServer) => (await readJson<TraceAnswer>(await server.request(`/api/traces/${traceId}`))).records.sort(order);
    const fromOtlp = await stored(otlpServer);
    expect(fromOtlp).toHaveLength(5 + 2 + 5);
    expect(fromOtlp).toEqual(await stored(jsonlServer));

    await tracerProvider.shutdown();
    await loggerProvider.shutdown();
  });
});
