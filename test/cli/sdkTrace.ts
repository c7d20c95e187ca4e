import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { NormalizedRecord } from '@aitrace/format';
import { createAitrace } from '@aitrace/otel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from '../server/harness.js';

/** Writes a trace file with the real OTel SDK and the aitrace processor and log exporter. */
export async function writeSdkTrace(path: string): Promise<string> {
  const aitrace = createAitrace({ output: path, config: false });
  const resource = resourceFromAttributes({ 'service.name': 'checkout', 'process.pid': 4242 });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [aitrace.spanProcessor] });
  const loggerProvider = new LoggerProvider({ resource, processors: [aitrace.logRecordProcessor] });
  const tracer = tracerProvider.getTracer('checkout-lib', '1.2.3');
  const logger = loggerProvider.getLogger('checkout-log');
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/checkout', ratio: 0.25, tags: ['a', 'b'], retried: false },
  });
  const ctx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    'charge.card',
    { kind: SpanKind.CLIENT, attributes: { amount: 1999 }, links: [{ context: root.spanContext(), attributes: { why: 'retry of' } }] },
    ctx,
  );
  child.addEvent('retry', { attempt: 2 });
  child.recordException(new TypeError('card declined'));
  child.setAttribute('card.brand', 'visa');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  const inChild = trace.setSpan(ctx, child);
  logger.emit({
    context: inChild,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'charge failed',
    attributes: { attempt: 2, nested: { code: 'E42', list: [1, 2.5] } },
  });
  logger.emit({ context: inChild, severityNumber: SeverityNumber.INFO, body: { role: 'assistant', content: 'hi' }, attributes: { 'gen_ai.system': 'openai' } });
  child.end();
  root.end();
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  await aitrace.shutdown();
  return root.spanContext().traceId;
}

/** The records a server stores for a trace, by time. */
export async function storedRecords(server: TestServer, traceId: string): Promise<NormalizedRecord[]> {
  const response = await server.request(`/api/traces/${traceId}`);
  expect(response.status).toBe(200);
  return (await readJson<TraceAnswer>(response)).records.sort(byTimeAndEvent);
}

// What only one side can know: the raw metadata as written (format_version, compat...), the call site that
// OTLP carries as code.* attributes, and the SDK's nanosecond duration (OTLP gets µs timestamps; within 1 µs).
function comparable(record: NormalizedRecord): Record<string, unknown> {
  const { meta: _meta, formatVersion: _version, durationMs: _duration, ...rest } = record;
  const attrs = Object.fromEntries(Object.entries(record.attrs).filter(([key]) => !key.startsWith('code.')));
  return { ...rest, attrs };
}

/** Orders records by time, then event. */
export const byTimeAndEvent = (a: NormalizedRecord, b: NormalizedRecord): number => a.timeUs - b.timeUs || a.event.localeCompare(b.event);

/** Asserts that records that went through OTLP equal the originals, apart from what only one side can know. */
export function expectSameRecords(got: NormalizedRecord[], sent: NormalizedRecord[]): void {
  expect(got.map(comparable)).toEqual(sent.map(comparable));
  got.forEach((record, i) => expect(Math.abs((record.durationMs ?? 0) - (sent[i]!.durationMs ?? 0))).toBeLessThan(0.0015));
}

/** For a test file: a temp dir, and two servers, one fed the original file over JSONL and one fed through OTLP. */
export function useRoundTripServers(): { dir: string; original: TestServer; received: TestServer } {
  const state = {} as { dir: string; original: TestServer; received: TestServer };
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), 'aitrace-otlp-'));
    [state.original, state.received] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([state.original.stop(), state.received.stop()]);
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
