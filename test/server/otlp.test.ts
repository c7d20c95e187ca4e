import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { buildSpanForest } from '@aitrace/forest';
import type { NormalizedRecord } from '@aitrace/format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TracePage } from '@aitrace/server';
import { readJson, startTestServer, type OtlpAnswer, type TestServer, type TraceAnswer } from './harness.js';

const TOKEN = 'otlp-test-token';

async function traceRecords(server: TestServer, traceId: string): Promise<NormalizedRecord[]> {
  const response = await server.request(`/api/traces/${traceId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await readJson<TraceAnswer>(response)).records;
}

describe('OTLP/HTTP JSON from the real OpenTelemetry exporters', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ token: TOKEN });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('receives spans from @opentelemetry/exporter-trace-otlp-http (gzip) as starts, events and ends', async () => {
    const exporter = new OTLPTraceExporter({
      url: new URL('v1/traces', server.url).href,
      headers: { Authorization: `Bearer ${TOKEN}` },
      // CompressionAlgorithm.GZIP; the enum lives in otlp-exporter-base, which is not a direct dependency.
      compression: 'gzip' as never,
    });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'process.pid': 4242 }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('checkout-lib', '1.2.3');
    const root = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout', 'http.status_code': 500, ratio: 0.25, tags: ['a', 'b'], retried: false } });
    const child = tracer.startSpan('charge.card', { kind: SpanKind.CLIENT, attributes: { amount: 1999, 'code.file.path': '/app/pay.ts', 'code.line.number': 42 } }, trace.setSpan(context.active(), root));
    child.addEvent('retry', { attempt: 2 });
    child.recordException(new TypeError('card declined'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    child.end();
    root.end();
    await provider.shutdown();

    const traceId = root.spanContext().traceId;
    const records = await traceRecords(server, traceId);
    expect(records.map((r) => `${r.type}:${r.event}`).sort()).toEqual(['span_end:POST /checkout.end', 'span_end:charge.card.end', 'span_event:exception', 'span_event:retry']);
    const end = records.find((r) => r.event === 'charge.card.end')!;
    expect(end).toMatchObject({
      traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: root.spanContext().spanId,
      name: 'charge.card',
      kind: 'client',
      status: 'error',
      statusMessage: 'card declined',
      service: 'checkout',
      scope: 'checkout-lib',
      scopeVersion: '1.2.3',
      pid: 4242,
      file: '/app/pay.ts',
      line: 42,
    });
    expect(end.attrs).toMatchObject({ amount: 1999 });
    const rootEnd = records.find((r) => r.event === 'POST /checkout.end')!;
    expect(rootEnd).toMatchObject({ kind: 'server', status: 'unset' });
    expect(rootEnd.attrs).toEqual({ 'http.route': '/checkout', 'http.status_code': 500, ratio: 0.25, tags: ['a', 'b'], retried: false });
    const exception = records.find((r) => r.event === 'exception')!;
    expect(exception).toMatchObject({ type: 'span_event', name: 'charge.card', spanId: child.spanContext().spanId });
    expect(exception.attrs['exception.type']).toBe('TypeError');
    expect(records.find((r) => r.event === 'retry')?.attrs).toEqual({ attempt: 2 });

    const tree = buildSpanForest(records).traces[0]!;
    expect(tree.roots.map((r) => r.name)).toEqual(['POST /checkout']);
    expect(tree.roots[0]!.children[0]).toMatchObject({ name: 'charge.card', state: 'error' });
    expect(tree.roots[0]!.children[0]!.events.map((e) => e.event)).toEqual(['retry', 'exception']);

    const summary = (await readJson<TracePage>(await server.request('/api/traces?service=checkout', { headers: { Authorization: `Bearer ${TOKEN}` } }))).traces[0];
    expect(summary).toMatchObject({ traceId, rootName: 'POST /checkout', service: 'checkout', spanCount: 2, errorCount: 1, runningCount: 0 });
  });

  it('receives logs from @opentelemetry/exporter-logs-otlp-http, linked to their span', async () => {
    const exporter = new OTLPLogExporter({ url: new URL('v1/logs', server.url).href, headers: { Authorization: `Bearer ${TOKEN}` } });
    const loggerProvider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'worker' }), processors: [new BatchLogRecordProcessor({ exporter })] });
    const logger = loggerProvider.getLogger('jobs', '0.1.0');
    const tracerProvider = new BasicTracerProvider();
    const span = tracerProvider.getTracer('jobs').startSpan('job.run');
    const inSpan = trace.setSpan(context.active(), span);
    logger.emit({ context: inSpan, eventName: 'job.started', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { job: 'emails', size: 3 } });
    logger.emit({ context: inSpan, severityNumber: SeverityNumber.WARN, body: 'queue is slow' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: { message: 'outside any span', detail: { code: 7 } } });
    span.end();
    await loggerProvider.shutdown();

    const records = await traceRecords(server, span.spanContext().traceId);
    expect(records.map((r) => r.event)).toEqual(['job.started', 'queue is slow']);
    expect(records[0]).toMatchObject({ type: 'log', level: 'info', spanId: span.spanContext().spanId, service: 'worker', scope: 'jobs', scopeVersion: '0.1.0' });
    expect(records[0]!.attrs).toEqual({ job: 'emails', size: 3 });
    expect(records[1]).toMatchObject({ level: 'warn', attrs: {} });
    // The log without a trace is stored too (nothing accepted is lost) but belongs to no trace.
    expect(await server.store.countRows()).toBeGreaterThanOrEqual(3);
  });

  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

  it('stores the good spans of a request and reports the bad ones as partialSuccess', async () => {
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] },
        scopeSpans: [{
          scope: { name: 'manual' },
          spans: [
            // Base64 ids (the generic protobuf JSON mapping), numeric kind and status, int64 as a string.
            { traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'), spanId: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'), name: 'good', kind: 2, startTimeUnixNano: '1761480000000000000', endTimeUnixNano: '1761480000250000000', status: { code: 1 }, attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }, { key: 'n', value: { intValue: '12' } }] },
            { traceId: 'not-an-id', spanId: 'b7ad6b7169203332', name: 'bad', startTimeUnixNano: '1761480000000000000' },
          ],
        }],
      }],
    };
    const response = await server.request('/v1/traces', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const answer = await readJson<OtlpAnswer>(response);
    expect(answer.partialSuccess?.rejectedSpans).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/traceId "not-an-id" is not 16 bytes/);
    const records = await traceRecords(server, '0af7651916cd43dd8448eb211c80319c');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ spanId: 'b7ad6b7169203331', kind: 'server', status: 'ok', durationMs: 250, service: 'raw', timestamp: '2025-10-26T12:00:00.250000Z' });
    expect(records[0]!.attrs.n).toBe(12);
    expect(records[0]!.attrs.big).toMatchObject({ $type: 'bigint' });
  });

  it('answers OTLP errors with a google.rpc.Status body', async () => {
    const protobuf = await server.request('/v1/traces', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body: 'x' });
    expect(protobuf.status).toBe(415);
    expect(await readJson<OtlpAnswer>(protobuf)).toEqual({ code: 3, message: expect.stringMatching(/OTEL_EXPORTER_OTLP_PROTOCOL=http\/json/) });
    const notJson = await server.request('/v1/logs', { method: 'POST', headers: auth, body: '{"resourceLogs": [' });
    expect(notJson.status).toBe(400);
    expect((await readJson<OtlpAnswer>(notJson)).message).toMatch(/not valid JSON/);
    const wrongShape = await server.request('/v1/traces', { method: 'POST', headers: auth, body: '{"resourceSpans": {"spans": []}}' });
    expect(wrongShape.status).toBe(400);
    expect((await readJson<OtlpAnswer>(wrongShape)).message).toMatch(/resourceSpans/);
    // An empty request is valid OTLP (omitted repeated fields), and unknown fields are ignored.
    const empty = await server.request('/v1/traces', { method: 'POST', headers: auth, body: '{"somethingNew": 1}' });
    expect(await readJson<OtlpAnswer>(empty)).toEqual({});
    const unauthorized = await server.request('/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(unauthorized.status).toBe(401);
    expect((await readJson<OtlpAnswer>(unauthorized)).code).toBe(16);
  });
});
