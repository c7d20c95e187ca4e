import { context, trace } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler, ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { validateRecord } from '@aitrace/format';
import { MemorySink } from './sinks/MemorySink.js';
import { TraceRecordLogExporter } from './TraceRecordLogExporter.js';

type Meta = Record<string, unknown>;
const metaOf = (record: Record<string, unknown> | undefined): Meta => record?.__tracer_meta__ as Meta;

function setup(processorKind: 'simple' | 'batch') {
  const sink = new MemorySink();
  const exporter = new TraceRecordLogExporter({ output: sink, sync: true, config: false });
  const processor = processorKind === 'simple' ? new SimpleLogRecordProcessor({ exporter }) : new BatchLogRecordProcessor({ exporter });
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'billing' }), processors: [processor] });
  return { sink, exporter, provider, logger: provider.getLogger('billing.jobs', '1.2.0') };
}

describe('TraceRecordLogExporter', () => {
  afterEach(() => setGlobalErrorHandler(loggingErrorHandler()));

  for (const kind of ['simple', 'batch'] as const) {
    it(`writes one valid record per log with the ${kind} log record processor, linked to the span of its context`, async () => {
      const { sink, provider, logger } = setup(kind);
      const span = new BasicTracerProvider().getTracer('t').startSpan('invoice.run');
      const inSpan = trace.setSpan(context.active(), span);
      logger.emit({ eventName: 'invoice_sent', severityNumber: 9, severityText: 'INFO', attributes: { invoice: 7 }, context: inSpan });
      logger.emit({ body: 'plain message', severityNumber: 17 });
      await provider.forceFlush();

      const records = sink.records();
      expect(records).toHaveLength(2);
      for (const record of records) expect(validateRecord(record)).toEqual([]);
      const [sent, plain] = records;
      expect(metaOf(sent)).toMatchObject({
        type: 'log',
        event: 'invoice_sent',
        level: 'info',
        severity_number: 9,
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
        scope: 'billing.jobs',
        scope_version: '1.2.0',
        service: 'billing',
      });
      expect(sent?.invoice).toBe(7);
      expect(metaOf(plain)).toMatchObject({ event: 'plain message', level: 'error' });
      expect(metaOf(plain).span_id).toBeUndefined();
      expect(plain).not.toHaveProperty('body');
      await provider.shutdown();
    });
  }

  it('keeps an object body whole, next to an attribute that is also called body', async () => {
    const { sink, provider, logger } = setup('simple');
    const body = { event: 'retry', attempt: { n: 2, waits: [100, 200] } };
    logger.emit({ body, severityNumber: 13, attributes: { body: 'attribute' } });
    await provider.forceFlush();
    const [record] = sink.records();
    expect(metaOf(record)).toMatchObject({ event: 'retry', level: 'warn' });
    expect(record?.body).toBe('attribute');
    expect(record?._body).toEqual(body);
  });

  it('keeps the writer-reserved key of a user attribute by renaming it', async () => {
    const { sink, provider, logger } = setup('simple');
    logger.emit({ eventName: 'collide', attributes: { __tracer_meta__: 'mine' } });
    await provider.forceFlush();
    const [record] = sink.records();
    expect(metaOf(record).event).toBe('collide');
    const renamed = metaOf(record).renamed as Record<string, string>;
    const movedTo = Object.keys(renamed).find((key) => renamed[key] === '__tracer_meta__');
    expect(movedTo).toBeDefined();
    expect(record?.[movedTo!]).toBe('mine');
  });

  it('fails exports after shutdown without writing, and shuts down once', async () => {
    const sink = new MemorySink();
    const exporter = new TraceRecordLogExporter({ output: sink, config: false });
    const first = exporter.shutdown();
    expect(exporter.shutdown()).toBe(first);
    await first;
    const results: ExportResult[] = [];
    const provider = new LoggerProvider();
    const log = { hrTime: [1, 0], body: 'late', attributes: {}, resource: provider, instrumentationScope: { name: 'x' } };
    exporter.export([log as never], (result) => results.push(result));
    expect(results[0]?.code).toBe(ExportResultCode.FAILED);
    expect(sink.records()).toEqual([]);
  });

  it('reports a record it cannot read through the result and the global error handler, without throwing', () => {
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    const exporter = new TraceRecordLogExporter({ output: new MemorySink(), sync: true, config: false });
    const results: ExportResult[] = [];
    const broken = {
      get hrTime(): never {
        throw new Error('unreadable time');
      },
      attributes: {},
    };
    expect(() => exporter.export([broken as never], (result) => results.push(result))).not.toThrow();
    expect(results[0]?.code).toBe(ExportResultCode.FAILED);
    expect(String((errors[0] as Error).message)).toContain('unreadable time');
  });
});
