import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { credentials, status } from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { NormalizedRecord } from '@aitrace/format';
import { decodeExportResponse, decodeRpcStatus, encodeExportRequest, encodeTraceRequest, OtlpGrpcClient } from '@aitrace/otlp';
import { SqliteTraceStore } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from './harness.js';
import { sendAndCheckCheckout, traceRecords } from './otlpScenarios.js';

const TOKEN = 'receiver-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const NODESDK_APP = fileURLToPath(new URL('./apps/nodesdk-app.mjs', import.meta.url));

/** Sets OTEL_* variables while `build` constructs an exporter (exporters read the environment then), then restores them. */
function fromEnvironment<T>(variables: Record<string, string>, build: () => T): T {
  const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  try {
    return build();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Polls until the trace has `count` records (a child process's export lands before it exits, but be patient). */
async function waitForRecords(server: TestServer, traceId: string, count: number): Promise<NormalizedRecord[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await server.request(`/api/traces/${traceId}`, { headers: AUTH });
    const records = response.status === 200 ? (await readJson<TraceAnswer>(response)).records : [];
    if (records.length >= count || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends logs through a real exporter and checks they arrive linked to their span, event names and bodies intact. */
async function sendAndCheckLogs(server: TestServer, exporter: LogRecordExporter, service: string): Promise<void> {
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = loggerProvider.getLogger('jobs', '0.1.0');
  const span = new BasicTracerProvider().getTracer('jobs').startSpan('job.run');
  const inSpan = trace.setSpan(context.active(), span);
  logger.emit({
    context: inSpan,
    eventName: 'gen_ai.choice',
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { index: 0, message: { content: 'hi' } },
    attributes: { 'gen_ai.system': 'openai' },
  });
  logger.emit({ context: inSpan, severityNumber: SeverityNumber.WARN, body: 'queue is slow', attributes: { size: 3 } });
  span.end();
  await loggerProvider.shutdown();

  const records = await traceRecords(server, span.spanContext().traceId, TOKEN);
  expect(records.map((r) => r.event)).toEqual(['gen_ai.choice', 'queue is slow']);
  expect(records[0]).toMatchObject({ type: 'log', level: 'info', spanId: span.spanContext().spanId, service, scope: 'jobs', scopeVersion: '0.1.0' });
  expect(records[0]!.attrs).toEqual({ 'gen_ai.system': 'openai', body: { index: 0, message: { content: 'hi' } } });
  expect(records[1]).toMatchObject({ level: 'warn', attrs: { size: 3 } });
}

describe('the OTLP receiver with the real OpenTelemetry exporters, configured only through OTEL_* variables', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ token: TOKEN, otlpHttpPort: 0, otlpGrpcPort: 0 });
  });
  afterAll(async () => {
    await server.stop();
  });

  const headers = `Authorization=Bearer%20${TOKEN}`;

  it('binds the OTLP/HTTP and OTLP/gRPC ports on the same host as the main port', () => {
    expect(server.otlpHttp).toEqual({ port: expect.any(Number), url: `http://127.0.0.1:${server.otlpHttp!.port}/` });
    expect(server.otlpGrpc).toEqual({ port: expect.any(Number), address: `127.0.0.1:${server.otlpGrpc!.port}` });
    expect(new Set([server.port, server.otlpHttp!.port, server.otlpGrpc!.port]).size).toBe(3);
  });

  it('receives spans from @opentelemetry/exporter-trace-otlp-proto, gzip-compressed, on the OTLP/HTTP port', async () => {
    const exporter = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: server.otlpHttp!.url.slice(0, -1), OTEL_EXPORTER_OTLP_HEADERS: headers, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      () => new ProtoTraceExporter(),
    );
    await sendAndCheckCheckout(server, exporter, 'proto-gzip', TOKEN);
  });

  it('receives spans from @opentelemetry/exporter-trace-otlp-proto on the main port too', async () => {
    const exporter = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: server.url.slice(0, -1), OTEL_EXPORTER_OTLP_HEADERS: headers },
      () => new ProtoTraceExporter(),
    );
    await sendAndCheckCheckout(server, exporter, 'proto-main-port', TOKEN);
  });

  it('receives spans from @opentelemetry/exporter-trace-otlp-grpc (gzip) on the OTLP/gRPC port', async () => {
    const exporter = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${server.otlpGrpc!.address}`, OTEL_EXPORTER_OTLP_HEADERS: headers, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      () => new GrpcTraceExporter(),
    );
    await sendAndCheckCheckout(server, exporter, 'grpc-gzip', TOKEN);
  });

  it('receives spans from @opentelemetry/exporter-trace-otlp-http (JSON) on the OTLP/HTTP port', async () => {
    const exporter = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: server.otlpHttp!.url.slice(0, -1), OTEL_EXPORTER_OTLP_HEADERS: headers },
      () => new HttpJsonTraceExporter(),
    );
    await sendAndCheckCheckout(server, exporter, 'http-json', TOKEN);
  });

  it('receives logs from @opentelemetry/exporter-logs-otlp-proto and -grpc, with event names and bodies', async () => {
    const proto = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: server.otlpHttp!.url.slice(0, -1), OTEL_EXPORTER_OTLP_HEADERS: headers },
      () => new ProtoLogExporter(),
    );
    await sendAndCheckLogs(server, proto, 'logs-proto');
    const grpc = fromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${server.otlpGrpc!.address}`, OTEL_EXPORTER_OTLP_HEADERS: headers, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      () => new GrpcLogExporter(),
    );
    await sendAndCheckLogs(server, grpc, 'logs-grpc');
  });

  for (const protocol of ['http/protobuf', 'grpc', 'http/json'] as const) {
    it(`receives spans, events, exceptions and logs from a NodeSDK app picking its exporters from OTEL_* (${protocol})`, async () => {
      const endpoint = protocol === 'grpc' ? `http://${server.otlpGrpc!.address}` : server.otlpHttp!.url.slice(0, -1);
      const child = spawn(process.execPath, [NODESDK_APP], {
        env: {
          ...process.env,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_HEADERS: headers,
          OTEL_SERVICE_NAME: `nodesdk-${protocol}`,
          OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2.3,deployment.environment.name=test',
          OTEL_LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const { traceId, spanId, pid } = JSON.parse(stdout) as { traceId: string; spanId: string; pid: number };

      const records = await waitForRecords(server, traceId, 4);
      expect(records.map((r) => `${r.type}:${r.event}`).sort()).toEqual(['log:job.note', 'span_end:job.run.end', 'span_event:exception', 'span_event:step']);
      expect(records.find((r) => r.type === 'span_end')).toMatchObject({
        spanId,
        kind: 'consumer',
        status: 'error',
        statusMessage: 'boom',
        service: `nodesdk-${protocol}`,
        pid,
        scope: 'nodesdk-app',
        attrs: { 'job.id': 7, 'job.tags': ['a', 'b'] },
      });
      expect(records.find((r) => r.event === 'exception')!.attrs).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'boom' });
      expect(records.find((r) => r.event === 'step')!.attrs).toEqual({ n: 1 });
      expect(records.find((r) => r.type === 'log')).toMatchObject({
        spanId,
        level: 'warn',
        service: `nodesdk-${protocol}`,
        attrs: { k: 'v', body: 'careful' },
      });
    });
  }
});

describe('OTLP answers, as the specification asks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ otlpHttpPort: 0, otlpGrpcPort: 0, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await server.stop();
  });

  const otlpHttp = (path: string, init: RequestInit): Promise<Response> => fetch(new URL(path, server.otlpHttp!.url), init);
  const span = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'answer.me',
    startTimeUnixNano: '1761480000000000000',
    endTimeUnixNano: '1761480000001000000',
  };
  const protobufHeaders = { 'Content-Type': 'application/x-protobuf' };

  it('answers a protobuf request with a protobuf ExportTraceServiceResponse, and a JSON one with JSON', async () => {
    const protobuf = await otlpHttp('/v1/traces', {
      method: 'POST',
      headers: protobufHeaders,
      body: encodeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
    });
    expect(protobuf.status).toBe(200);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeExportResponse('traces', new Uint8Array(await protobuf.arrayBuffer()))).toEqual({});
    const json = await otlpHttp('/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resourceSpans: [] }) });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({});
    expect((await traceRecords(server, span.traceId, TOKEN)).map((r) => r.event)).toEqual(['answer.me.end']);
  });

  it('accepts metrics and drops them with a partial success saying so, over HTTP (protobuf, JSON) and gRPC', async () => {
    const metrics = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'jobs', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } },
                { name: 'load', gauge: { dataPoints: [{ asDouble: 0.5 }] } },
              ],
            },
          ],
        },
      ],
    };
    const expected = { partialSuccess: { rejectedDataPoints: 3, errorMessage: expect.stringMatching(/not metrics: 3 metric data points were dropped/) } };
    const protobuf = await otlpHttp('/v1/metrics', { method: 'POST', headers: protobufHeaders, body: encodeExportRequest('metrics', metrics) });
    expect(protobuf.status).toBe(200);
    expect(decodeExportResponse('metrics', new Uint8Array(await protobuf.arrayBuffer()))).toEqual(expected);
    const json = await server.request('/v1/metrics', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(metrics) });
    expect(await json.json()).toEqual(expected);
    const client = new OtlpGrpcClient(server.otlpGrpc!.address, credentials.createInsecure());
    try {
      expect(await client.export('metrics', metrics)).toEqual(expected);
    } finally {
      client.close();
    }
  });

  it('refuses bad protobuf with 400 and a protobuf google.rpc.Status, an id of the wrong length naming the field, and stores nothing', async () => {
    const rowsBefore = await server.store.countRows();
    const garbage = await otlpHttp('/v1/traces', { method: 'POST', headers: protobufHeaders, body: new Uint8Array([0x0a, 0xff, 0xff, 0x01]) });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeRpcStatus(new Uint8Array(await garbage.arrayBuffer()))).toEqual({
      code: 3,
      message: expect.stringMatching(/not a valid ExportTraceServiceRequest protobuf message/),
    });

    // A good span next to one whose traceId is 11 bytes: the request is refused whole, as the Collector does.
    const good = encodeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, spanId: 'eee19b7ec3c1b175' }] }] }] });
    const badId = Buffer.concat([good, Buffer.from([0x0a, 0x11, 0x12, 0x0f, 0x12, 0x0d, 0x0a, 0x0b, ...Buffer.alloc(11, 7)])]);
    const refused = await otlpHttp('/v1/traces', { method: 'POST', headers: protobufHeaders, body: badId });
    expect(refused.status).toBe(400);
    expect(decodeRpcStatus(new Uint8Array(await refused.arrayBuffer())).message).toBe(
      'resourceSpans[1].scopeSpans[0].spans[0].traceId is 11 bytes long; a trace id is 16 bytes',
    );
    expect(await server.store.countRows()).toBe(rowsBefore);
  });

  it('answers 415 to other media types, 413 past the size limit (also after gunzip), and 404 off the OTLP routes on the OTLP port', async () => {
    const text = await otlpHttp('/v1/logs', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ code: 3, message: 'Content-Type must be application/x-protobuf or application/json for OTLP/HTTP, got "text/plain"' });
    const bomb = await otlpHttp('/v1/traces', {
      method: 'POST',
      headers: { ...protobufHeaders, 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(1024 * 1024)),
    });
    expect(bomb.status).toBe(413);
    expect(decodeRpcStatus(new Uint8Array(await bomb.arrayBuffer()))).toMatchObject({ code: 8 });
    const api = await otlpHttp('/api/traces', {});
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: string }).error).toMatch(/this is the OTLP\/HTTP port/);
  });

  it('answers gRPC calls with INVALID_ARGUMENT for bad data and RESOURCE_EXHAUSTED past the size limit (gzip too)', async () => {
    const client = new OtlpGrpcClient(server.otlpGrpc!.address, credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const badId = { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, traceId: Buffer.alloc(5, 1) as unknown as string }] }] }] };
      await expect(client.export('traces', badId)).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: 'resourceSpans[0].scopeSpans[0].spans[0].traceId is 5 bytes long; a trace id is 16 bytes',
      });
      const huge = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: 'x'.repeat(200 * 1024) } }] }] }] };
      await expect(client.export('logs', huge)).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    } finally {
      client.close();
    }
  });

  it('logs each refusal once per sender and reason on stderr, naming the sender, not once per request', async () => {
    const fresh = await startTestServer({ otlpHttpPort: 0, otlpGrpcPort: 0 });
    const client = new OtlpGrpcClient(fresh.otlpGrpc!.address, credentials.createInsecure());
    try {
      for (let i = 0; i < 5; i++)
        await fetch(new URL('/v1/traces', fresh.otlpHttp!.url), { method: 'POST', headers: protobufHeaders, body: new Uint8Array([0x0f, i]) });
      await fetch(new URL('/v1/logs', fresh.otlpHttp!.url), { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<x/>' });
      for (let i = 0; i < 3; i++)
        await client
          .export('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ spanId: Buffer.alloc(3) as unknown as string }] }] }] })
          .catch(() => undefined);
    } finally {
      client.close();
      await fresh.stop();
    }
    expect(fresh.refusals).toEqual([
      expect.stringMatching(
        /^refused POST \/v1\/traces from 127\.0\.0\.1: 400 the body is not a valid ExportTraceServiceRequest protobuf message: .*logged again after 60 s$/,
      ),
      expect.stringMatching(/^refused POST \/v1\/logs from 127\.0\.0\.1: 415 Content-Type must be/),
      expect.stringMatching(
        /^refused \/opentelemetry\.proto\.collector\.logs\.v1\.LogsService\/Export from 127\.0\.0\.1: gRPC INVALID_ARGUMENT resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.spanId is 3 bytes long/,
      ),
    ]);
  });
});

describe('OTLP answers that ask the client to retry, and tokens', () => {
  it('answers 503 with Retry-After over HTTP and UNAVAILABLE over gRPC when the store cannot save, and 401 / UNAUTHENTICATED without the token', async () => {
    const store = new SqliteTraceStore({ path: ':memory:' });
    const server = await startTestServer({ store, token: TOKEN, otlpHttpPort: 0, otlpGrpcPort: 0 });
    const client = new OtlpGrpcClient(server.otlpGrpc!.address, credentials.createInsecure());
    try {
      const request = {
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [{ traceId: '5b8efff798038103d269b633813fc60d', spanId: 'eee19b7ec3c1b176', name: 'lost?', startTimeUnixNano: '1761480000000000000' }] },
            ],
          },
        ],
      };
      const noToken = await fetch(new URL('/v1/traces', server.otlpHttp!.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body: encodeTraceRequest(request),
      });
      expect(noToken.status).toBe(401);
      expect(decodeRpcStatus(new Uint8Array(await noToken.arrayBuffer())).code).toBe(16);
      await expect(client.export('traces', request)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });

      await store.close();
      const unavailable = await fetch(new URL('/v1/traces', server.otlpHttp!.url), {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/x-protobuf' },
        body: encodeTraceRequest(request),
      });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('5');
      expect(decodeRpcStatus(new Uint8Array(await unavailable.arrayBuffer()))).toMatchObject({
        code: 14,
        message: expect.stringMatching(/could not save the request .*retry later/),
      });
      await expect(client.export('traces', request, { metadata: { authorization: `Bearer ${TOKEN}` } })).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      client.close();
      await server.stop();
    }
  });
});
