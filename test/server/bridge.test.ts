import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { readJsonl } from '@aitrace/forest';
import { createAitrace } from '@aitrace/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, readJson, startTestServer, type TraceAnswer } from './harness.js';

describe('the aitrace OTel bridge writing a trace file that the server watches', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  let dir: string;
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    dir = mkdtempSync(join(tmpdir(), 'aitrace-bridge-'));
  });
  afterAll(() => {
    context.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a running span live, turns it final when its end is written, and stores what the file holds', async () => {
    const file = join(dir, 'app.jsonl');
    const watched = await startTestServer({ watch: [file], watchIntervalMs: 25 });
    try {
      const aitrace = createAitrace({ output: file, config: false });
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
      const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
      const tracer = tracerProvider.getTracer('orders');
      const logger = loggerProvider.getLogger('orders');

      const stream = await openEventStream(new URL('/api/events', watched.url));
      await stream.next();
      const root = tracer.startSpan('handle.order', { attributes: { 'order.id': 'A-17' } });
      await aitrace.forceFlush();
      const running = await stream.next((e) => e.event === 'trace');
      expect(running.data).toMatchObject({ traceId: root.spanContext().traceId, rootName: 'handle.order', runningCount: 1 });

      await context.with(trace.setSpan(context.active(), root), async () => {
        const child = tracer.startSpan('reserve.stock');
        logger.emit({ eventName: 'stock.checked', attributes: { sku: 'X1', available: 4 } });
        child.end();
      });
      root.end();
      await aitrace.forceFlush();
      const final = await stream.next(
        (e) =>
          e.event === 'trace' &&
          (e.data as { runningCount: number; spanCount: number }).runningCount === 0 &&
          (e.data as { spanCount: number }).spanCount === 2,
      );
      expect(final.data).toMatchObject({ traceId: root.spanContext().traceId, errorCount: 0 });
      stream.close();
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();

      // The server holds each span once (its end merged with its start) and every event and log of the file.
      const fromFile = readJsonl(readFileSync(file, 'utf8'));
      expect(fromFile.problems).toEqual([]);
      const fileRecords = fromFile.records.map((r) => r.record);
      const stored = (await readJson<TraceAnswer>(await watched.request(`/api/traces/${root.spanContext().traceId}`))).records;
      const expected = fileRecords
        .filter((r) => r.type !== 'span_start')
        .map((r) => `${r.type}:${r.event}`)
        .sort();
      expect(stored.map((r) => `${r.type}:${r.event}`).sort()).toEqual(expected);
      expect(stored.find((r) => r.event === 'handle.order.end')?.attrs).toMatchObject({ 'order.id': 'A-17' });
      expect(stored.find((r) => r.event === 'stock.checked')?.attrs).toMatchObject({ sku: 'X1', available: 4 });
    } finally {
      await watched.stop();
    }
  });
});
