/** The scenarios every OTLP test sends through a real exporter, and what must arrive of them. */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { buildSpanForest } from '@aitrace/forest';
import type { NormalizedRecord } from '@aitrace/format';
import { expect } from 'vitest';
import { readJson, type TestServer, type TraceAnswer } from './harness.js';

/** The records of one trace, read with the bearer token `token`. */
export async function traceRecords(server: TestServer, traceId: string, token: string): Promise<NormalizedRecord[]> {
  const response = await server.request(`/api/traces/${traceId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await readJson<TraceAnswer>(response)).records;
}

/** Sends the checkout scenario through a real exporter and checks every record that must arrive. */
export async function sendAndCheckCheckout(server: TestServer, exporter: SpanExporter, service: string, token: string): Promise<string> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '2.0.1', 'process.pid': 4242 }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('checkout-lib', '1.2.3');
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/checkout', 'http.status_code': 500, ratio: 0.25, tags: ['a', 'b'], retried: false },
  });
  const child = tracer.startSpan(
    'charge.card',
    { kind: SpanKind.CLIENT, attributes: { amount: 1999, 'code.file.path': '/app/pay.ts', 'code.line.number': 42 } },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('retry', { attempt: 2 });
  child.recordException(new TypeError('card declined'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  root.end();
  await provider.shutdown();

  const traceId = root.spanContext().traceId;
  const records = await traceRecords(server, traceId, token);
  expect(records.map((r) => `${r.type}:${r.event}`).sort()).toEqual([
    'span_end:POST /checkout.end',
    'span_end:charge.card.end',
    'span_event:exception',
    'span_event:retry',
  ]);
  const end = records.find((r) => r.event === 'charge.card.end')!;
  expect(end).toMatchObject({
    traceId,
    spanId: child.spanContext().spanId,
    parentSpanId: root.spanContext().spanId,
    name: 'charge.card',
    kind: 'client',
    status: 'error',
    statusMessage: 'card declined',
    service,
    scope: 'checkout-lib',
    scopeVersion: '1.2.3',
    pid: 4242,
    file: '/app/pay.ts',
    line: 42,
  });
  expect(end.attrs).toMatchObject({ amount: 1999 });
  expect(records.find((r) => r.event === 'POST /checkout.end')!.attrs).toEqual({
    'http.route': '/checkout',
    'http.status_code': 500,
    ratio: 0.25,
    tags: ['a', 'b'],
    retried: false,
  });
  const exception = records.find((r) => r.event === 'exception')!;
  expect(exception).toMatchObject({ type: 'span_event', name: 'charge.card', spanId: child.spanContext().spanId });
  expect(exception.attrs).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'card declined' });
  expect(records.find((r) => r.event === 'retry')?.attrs).toEqual({ attempt: 2 });
  const tree = buildSpanForest(records).traces[0]!;
  expect(tree.roots.map((r) => r.name)).toEqual(['POST /checkout']);
  expect(tree.roots[0]!.children[0]).toMatchObject({ name: 'charge.card', state: 'error' });
  expect(tree.roots[0]!.children[0]!.events.map((e) => e.event)).toEqual(['retry', 'exception']);
  return traceId;
}
