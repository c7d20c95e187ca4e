import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { NormalizedRecord } from '@aitrace/format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TracePage } from '@aitrace/server';
import { readJson, startTestServer, type OtlpAnswer, type TestServer, type TraceAnswer } from './harness.js';
import { sendAndCheckCheckout } from './otlpScenarios.js';

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
    const traceId = await sendAndCheckCheckout(server, exporter, 'checkout', TOKEN);

    const summary = (await readJson<TracePage>(await server.request('/api/traces?service=checkout', { headers: { Authorization: `Bearer ${TOKEN}` } })))
      .traces[0];
    expect(summary).toMatchObject({ traceId, rootName: 'POST /checkout', service: 'checkout', spanCount: 2, errorCount: 1, runningCount: 0 });
  });

  it('receives logs from @opentelemetry/exporter-logs-otlp-http, linked to their span', async () => {
    const exporter = new OTLPLogExporter({ url: new URL('v1/logs', server.url).href, headers: { Authorization: `Bearer ${TOKEN}` } });
    const loggerProvider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'worker' }),
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    const logger = loggerProvider.getLogger('jobs', '0.1.0');
    const tracerProvider = new BasicTracerProvider();
    const span = tracerProvider.getTracer('jobs').startSpan('job.run');
    const inSpan = trace.setSpan(context.active(), span);
    logger.emit({
      context: inSpan,
      eventName: 'job.started',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      attributes: { job: 'emails', size: 3 },
    });
    logger.emit({ context: inSpan, severityNumber: SeverityNumber.WARN, body: 'queue is slow' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: { message: 'outside any span', detail: { code: 7 } } });
    span.end();
    await loggerProvider.shutdown();

    const records = await traceRecords(server, span.spanContext().traceId);
    expect(records.map((r) => r.event)).toEqual(['job.started', 'queue is slow']);
    expect(records[0]).toMatchObject({
      type: 'log',
      level: 'info',
      spanId: span.spanContext().spanId,
      service: 'worker',
      scope: 'jobs',
      scopeVersion: '0.1.0',
    });
    expect(records[0]!.attrs).toEqual({ job: 'emails', size: 3 });
    expect(records[1]).toMatchObject({ level: 'warn', attrs: {} });
    // The log without a trace is stored too (nothing accepted is lost) but belongs to no trace.
    expect(await server.store.countRows()).toBeGreaterThanOrEqual(3);
  });

  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

  it('stores the good spans of a request and reports the bad ones as partialSuccess', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] },
          scopeSpans: [
            {
              scope: { name: 'manual' },
              spans: [
                // Base64 ids (the generic protobuf JSON mapping), numeric kind and status, int64 as a string.
                {
                  traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'),
                  spanId: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
                  name: 'good',
                  kind: 2,
                  startTimeUnixNano: '1761480000000000000',
                  endTimeUnixNano: '1761480000250000000',
                  status: { code: 1 },
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'n', value: { intValue: '12' } },
                  ],
                },
                { traceId: 'not-an-id', spanId: 'b7ad6b7169203332', name: 'bad', startTimeUnixNano: '1761480000000000000' },
              ],
            },
          ],
        },
      ],
    };
    const response = await server.request('/v1/traces', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const answer = await readJson<OtlpAnswer>(response);
    expect(answer.partialSuccess?.rejectedSpans).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/traceId "not-an-id" is not 16 bytes/);
    const records = await traceRecords(server, '0af7651916cd43dd8448eb211c80319c');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      spanId: 'b7ad6b7169203331',
      kind: 'server',
      status: 'ok',
      durationMs: 250,
      service: 'raw',
      timestamp: '2025-10-26T12:00:00.250000Z',
    });
    expect(records[0]!.attrs.n).toBe(12);
    expect(records[0]!.attrs.big).toMatchObject({ $type: 'bigint' });
  });

  it('answers OTLP errors with a google.rpc.Status body', async () => {
    const otherType = await server.request('/v1/traces', { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(otherType.status).toBe(415);
    expect(await readJson<OtlpAnswer>(otherType)).toEqual({ code: 3, message: expect.stringMatching(/must be application\/x-protobuf or application\/json/) });
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
