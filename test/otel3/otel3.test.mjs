// Runs under Node 22 against @opentelemetry/sdk-trace and sdk-logs 3.x (see scripts/test-otel3.mjs).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { normalizeRecord, validateRecord } from '@aitrace/format';
import { createAitrace } from '@aitrace/otel';

describe('aitrace with the OpenTelemetry 3.x SDK on Node 22', () => {
  it('runs on Node 22 with the 3.x packages', async () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
    const { readFile } = await import('node:fs/promises');
    const core = JSON.parse(await readFile(new URL('./node_modules/@opentelemetry/core/package.json', import.meta.url), 'utf8'));
    expect(core.version.startsWith('3.')).toBe(true);
  });

  it('writes start, events, logs and end records with parent links and status', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-otel3-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const tracerProvider = new TracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
    const tracer = tracerProvider.getTracer('otel3-test', '3.0.0');
    const logger = loggerProvider.getLogger('otel3-logger');

    await tracer.startActiveSpan('parent.op', async (parent) => {
      const child = tracer.startSpan('child.op', { attributes: { step: 1 } });
      logger.emit({ eventName: 'inside', severityNumber: 9, attributes: { n: 1 } });
      child.recordException(new Error('child failed'));
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'child failed' });
      child.end();
      parent.end();
    });
    await aitrace.shutdown();

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    for (const line of lines) expect(validateRecord(line)).toEqual([]);
    const records = lines.map((line) => normalizeRecord(line).record);
    const parentEnd = records.find((r) => r.event === 'parent.op.end');
    const childStart = records.find((r) => r.event === 'child.op.start');
    const childEnd = records.find((r) => r.event === 'child.op.end');
    expect(childStart.provisional).toBe(true);
    expect(childStart.parentSpanId).toBe(parentEnd.spanId);
    expect(childStart.scope).toBe('otel3-test');
    expect(childEnd).toMatchObject({ status: 'error', statusMessage: 'child failed' });
    expect(records.find((r) => r.type === 'span_event')).toMatchObject({ event: 'exception', spanId: childEnd.spanId });
    expect(records.find((r) => r.event === 'inside')).toMatchObject({ type: 'log', spanId: parentEnd.spanId, level: 'info' });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('writes an event added to a running 3.x span when it happens, and once only (the live-events hook contract)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-otel3-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, sync: true, config: false });
    const tracerProvider = new TracerProvider({ spanProcessors: [aitrace.spanProcessor], spanLimits: { eventCountLimit: 2 } });
    const span = tracerProvider.getTracer('otel3-live').startSpan('long.op');
    const read = () =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => normalizeRecord(JSON.parse(line)).record);
    span.addEvent('checkpoint', { step: 1 });
    span.recordException(new Error('retrying'));
    span.addEvent('past.limit');
    // Written before the span ends: the 3.x span stores events as the hook expects.
    expect(read().map((r) => (r.type === 'span_event' ? r.event : r.type))).toEqual(['span_start', 'checkpoint', 'exception', 'past.limit']);
    expect(read()[2].attrs['exception.message']).toBe('retrying');
    span.end();
    span.addEvent('after.end');
    await aitrace.shutdown();
    const records = read();
    expect(records.map((r) => (r.type === 'span_event' ? r.event : r.type))).toEqual(['span_start', 'checkpoint', 'exception', 'past.limit', 'span_end']);
    expect(records[4].dropped).toEqual({ events: 1 });
  });
});
