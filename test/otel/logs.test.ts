import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAitrace } from '@aitrace/otel';
import { readTrace } from './traceFile.js';

describe('log records and span events in a real trace file', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('links a log emitted inside a span to that span, and keeps an object body whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-logs-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
    const logger = loggerProvider.getLogger('batch-worker', '2.1.0');
    const tracer = tracerProvider.getTracer('batch');

    let spanId = '';
    await tracer.startActiveSpan('process.batch', async (span) => {
      spanId = span.spanContext().spanId;
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.emit({ eventName: 'batch_started', severityNumber: 9, severityText: 'INFO', attributes: { batch_id: 1, count: 3 } });
      logger.emit({ severityNumber: 13, body: { event: 'slow_item', detail: { ms: 250, tags: ['a', 'b'] } } });
      span.end();
    });
    logger.emit({ body: 'outside any span', severityNumber: 17 });
    await aitrace.shutdown();

    const records = readTrace(file);
    const started = records.find((r) => r.event === 'batch_started');
    expect(started).toMatchObject({ type: 'log', spanId, level: 'info', severityNumber: 9, scope: 'batch-worker', scopeVersion: '2.1.0' });
    expect(started?.attrs).toEqual({ batch_id: 1, count: 3 });
    const slow = records.find((r) => r.event === 'slow_item');
    expect(slow).toMatchObject({ spanId, level: 'warn' });
    expect(slow?.attrs.body).toEqual({ event: 'slow_item', detail: { ms: 250, tags: ['a', 'b'] } });
    const outside = records.find((r) => r.event === 'outside any span');
    expect(outside?.spanId).toBeUndefined();
    expect(outside?.level).toBe('error');
    expect(outside?.attrs).toEqual({});
  });

  it('writes a recorded exception as an event record and the error status on the end record', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-exc-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const span = provider.getTracer('payments').startSpan('charge.card');
    const error = new TypeError('card declined');
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    await provider.shutdown();

    const records = readTrace(file);
    const event = records.find((r) => r.type === 'span_event');
    expect(event).toMatchObject({ event: 'exception', name: 'charge.card', spanId: span.spanContext().spanId });
    expect(event?.attrs['exception.type']).toBe('TypeError');
    expect(event?.attrs['exception.message']).toBe('card declined');
    expect(String(event?.attrs['exception.stacktrace'])).toContain('logs.test.ts');
    const end = records.find((r) => r.type === 'span_end');
    expect(end).toMatchObject({ status: 'error', statusMessage: 'card declined' });
    expect(records.indexOf(event!)).toBeLessThan(records.indexOf(end!));
  });

  it('links pino logs sent by @opentelemetry/instrumentation-pino to their span', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-pino-')), 'trace.jsonl');
    const app = fileURLToPath(new URL('./apps/pino-app.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [app, file], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const records = readTrace(file);
    const span = records.find((r) => r.type === 'span_end' && r.name === 'order.place');
    const accepted = records.find((r) => r.event === 'order accepted');
    expect(accepted).toMatchObject({ type: 'log', level: 'info', traceId: span?.traceId, spanId: span?.spanId });
    expect(accepted?.attrs.order_id).toBe(42);
    expect(accepted?.attrs.items).toEqual([{ sku: 'A-1', qty: 2 }]);
    expect(records.find((r) => r.event === 'stock low')).toMatchObject({ level: 'warn', spanId: span?.spanId });
    const late = records.find((r) => r.event === 'after the span');
    expect(late).toMatchObject({ level: 'error' });
    expect(late?.spanId).toBeUndefined();
    expect(late?.attrs.code).toBe('E_LATE');
  });

  it('writes nothing for spans that are not sampled', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-unsampled-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const { AlwaysOffSampler } = await import('@opentelemetry/sdk-trace-base');
    const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [aitrace.spanProcessor] });
    provider.getTracer('t').startSpan('dropped').end();
    await provider.shutdown();
    expect(readTrace(file)).toEqual([]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('next to other processors', () => {
  it('feeds the same spans to another processor (an exporter pipeline) on the same provider', async () => {
    const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-coexist-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory), aitrace.spanProcessor] });
    const span = provider.getTracer('both').startSpan('shared.work');
    span.end();
    await provider.forceFlush();
    expect(memory.getFinishedSpans().map((s) => s.spanContext().spanId)).toEqual([span.spanContext().spanId]);
    await provider.shutdown();
    expect(readTrace(file).map((r) => [r.type, r.spanId])).toEqual([
      ['span_start', span.spanContext().spanId],
      ['span_end', span.spanContext().spanId],
    ]);
  });
});
