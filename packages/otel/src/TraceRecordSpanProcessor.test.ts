import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { normalizeRecord, validateRecord } from '@aitrace/format';
import { MemorySink } from './sinks/MemorySink.js';
import { TraceRecordSpanProcessor } from './TraceRecordSpanProcessor.js';

function setup(options: ConstructorParameters<typeof TraceRecordSpanProcessor>[0] = {}) {
  const sink = new MemorySink();
  const processor = new TraceRecordSpanProcessor({ output: sink, sync: true, config: false, ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [processor], spanLimits: { attributeCountLimit: 2 } });
  return { sink, processor, tracer: provider.getTracer('unit', '0.1.0'), provider };
}

describe('TraceRecordSpanProcessor', () => {
  it('writes the start the moment a span starts, before it ends', () => {
    const { sink, tracer } = setup();
    const span = tracer.startSpan('load.config.v2', { attributes: { path: '/etc/app' } });
    const [start] = sink.records();
    expect(sink.records()).toHaveLength(1);
    const meta = start?.__tracer_meta__ as Record<string, unknown>;
    expect(meta).toMatchObject({
      event: 'load.config.v2.start',
      type: 'span_start',
      name: 'load.config.v2',
      provisional: true,
      kind: 'internal',
      scope: 'unit',
    });
    expect(start?.path).toBe('/etc/app');
    span.end();
    expect(sink.records()).toHaveLength(2);
  });

  it('pairs start and end of a dotted name by span id, and every record is valid', () => {
    const { sink, tracer } = setup();
    const outer = tracer.startSpan('a.b.start');
    tracer.startSpan('a.b').end();
    outer.end();
    const records = sink.records();
    for (const record of records) expect(validateRecord(record)).toEqual([]);
    const normalized = records.map((record) => {
      const result = normalizeRecord(record);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.record;
    });
    const outerEnd = normalized.find((r) => r.type === 'span_end' && r.spanId === outer.spanContext().spanId);
    expect(outerEnd?.name).toBe('a.b.start');
    expect(outerEnd?.event).toBe('a.b.start.end');
  });

  it('records links, dropped attribute counts, duration and the call site from code attributes', () => {
    const { sink, tracer } = setup();
    const linked = tracer.startSpan('producer');
    linked.end();
    const span = tracer.startSpan('consumer', {
      links: [{ context: linked.spanContext(), attributes: { reason: 'batch' } }],
      attributes: { 'code.file.path': 'src/worker.ts', 'code.line.number': 12 },
    });
    span.setAttribute('extra', 1);
    span.end();
    const end = sink.records().at(-1)?.__tracer_meta__ as Record<string, unknown>;
    expect(end.links).toEqual([{ trace_id: linked.spanContext().traceId, span_id: linked.spanContext().spanId, attributes: { reason: 'batch' } }]);
    expect(end.dropped).toEqual({ attributes: 1 });
    expect(end.file).toBe('src/worker.ts');
    expect(end.line).toBe(12);
    expect(typeof end.duration_ms).toBe('number');
  });

  it('writes the same records through its JSON fast path as through the general encoder (used in compat mode)', () => {
    const fast = new MemorySink();
    const general = new MemorySink();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'api "v2"',
        'service.version': '1.0',
        'host.name': 'web-1',
        'process.pid': 1234,
        'k8s.node.labels': ['a', 'b'],
      }),
      spanProcessors: [
        new TraceRecordSpanProcessor({ output: fast, sync: true, config: false }),
        new TraceRecordSpanProcessor({ output: general, sync: true, config: false, compatMode: true }),
      ],
    });
    const tracer = provider.getTracer('équipe "core"', '1.2.3');
    const parent = tracer.startSpan('GET /items/:id', { kind: 1, attributes: { 'http.route': '/items/:id', ids: [1, 2], ok: true } });
    const child = tracer.startSpan(
      'naïve 😀 "quoted"\nname',
      {
        attributes: { 'code.file.path': 'src/a "b".ts', 'code.line.number': 7, 'code.column.number': 3, 'code.function.name': 'run', password: 'x' },
      },
      trace.setSpan(context.active(), parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed: "bad"\n\ttab' });
    child.end();
    parent.end();
    const strip = (line: string): string => {
      const record = JSON.parse(line) as Record<string, unknown> & { __tracer_meta__: Record<string, unknown> };
      delete record.timestamp;
      delete record.__tracer_meta__.compat;
      return JSON.stringify(record);
    };
    expect(fast.lines()).toHaveLength(4);
    expect(fast.lines()).toEqual(general.lines().map(strip));
    for (const record of fast.records()) expect(validateRecord(record)).toEqual([]);
    const childEnd = fast.records()[2] as { __tracer_meta__: Record<string, unknown>; password: string };
    expect(childEnd.__tracer_meta__).toMatchObject({
      name: 'naïve 😀 "quoted"\nname',
      status: 'error',
      status_message: 'failed: "bad"\n\ttab',
      file: 'src/a "b".ts',
      line: 7,
      column: 3,
      function: 'run',
      parent_span_id: parent.spanContext().spanId,
    });
    expect(childEnd.password).toMatch(/^\[redacted/);
    expect(childEnd.__tracer_meta__).toMatchObject({
      service: 'api "v2"',
      resource: { 'service.version': '1.0', 'host.name': 'web-1', 'k8s.node.labels': ['a', 'b'] },
      pid: 1234,
    });
  });

  it('keeps GenAI token counts as numbers, redacts secrets in prompts and events, and says which paths it scrubbed', () => {
    const sink = new MemorySink();
    const provider = new BasicTracerProvider({ spanProcessors: [new TraceRecordSpanProcessor({ output: sink, sync: true, config: false })] });
    const span = provider
      .getTracer('genai')
      .startSpan('chat gpt-4o', { attributes: { 'gen_ai.request.max_tokens': 256, 'gen_ai.input.messages': 'use Bearer abcDEF1234567890ghijKLMN now' } });
    span.setAttributes({ 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 34, 'llm.token_count.prompt': 12 });
    span.addEvent('gen_ai.user.message', { content: 'key AKIAIOSFODNN7EXAMPLE', access_token: 'abc' });
    span.end();
    const records = sink.records();
    for (const record of records) expect(validateRecord(record)).toEqual([]);
    const [start, event, end] = records as Record<string, unknown>[];
    expect(start?.['gen_ai.input.messages']).toBe('use Bearer [redacted: bearer token] now');
    expect((start?.__tracer_meta__ as Record<string, unknown>).scrubbed).toEqual({ 'gen_ai.input.messages': 'secret value: bearer token' });
    expect(event).toMatchObject({ content: 'key [redacted: aws access key id]', access_token: '[redacted: key names a credential]' });
    expect((event?.__tracer_meta__ as Record<string, unknown>).scrubbed).toEqual({
      content: 'secret value: aws access key id',
      access_token: 'key names a credential',
    });
    expect(end).toMatchObject({
      'gen_ai.request.max_tokens': 256,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'llm.token_count.prompt': 12,
    });
    const normalized = normalizeRecord(end);
    expect(normalized.ok && normalized.record.scrubbed).toEqual({ 'gen_ai.input.messages': 'secret value: bearer token' });
  });

  it('captures the caller from the stack when asked and no code attributes exist', () => {
    const { sink, tracer } = setup({ captureStack: true });
    tracer.startSpan('from.here');
    const meta = sink.records()[0]?.__tracer_meta__ as Record<string, unknown>;
    expect(String(meta.file)).toContain('TraceRecordSpanProcessor.test.ts');
    expect(meta.line).toBeGreaterThan(0);
  });

  it('writes nothing after shutdown and never throws', async () => {
    const { sink, tracer, processor } = setup();
    const open = tracer.startSpan('open.at.shutdown');
    await processor.shutdown();
    await processor.shutdown();
    expect(() => open.end()).not.toThrow();
    expect(() => tracer.startSpan('late').end()).not.toThrow();
    expect(sink.records()).toHaveLength(1);
    await expect(processor.forceFlush()).resolves.toBeUndefined();
  });
});
