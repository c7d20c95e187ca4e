import { context, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from './harness.js';

describe('live spans from SDKs that announce them with a pending span (Logfire)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('shows the announced span as running, then final when the real span arrives, without the pending twin', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'py-worker' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: new URL('v1/traces', server.url).href }))],
    });
    const tracer = provider.getTracer('logfire', '4.0.0');
    const root = tracer.startSpan('job');
    const inRoot = trace.setSpan(context.active(), root);
    const work = tracer.startSpan('load {path}', { attributes: { path: '/etc/app' } }, inRoot);
    // What Logfire SDKs send as the span starts: an ended twin with a fresh id, child of the real span.
    const announce = (real: Span, parentId: string) =>
      tracer
        .startSpan(
          'load {path}',
          {
            startTime: (real as unknown as { startTime: [number, number] }).startTime,
            attributes: { path: '/etc/app', 'logfire.span_type': 'pending_span', 'logfire.pending_parent_id': parentId },
          },
          trace.setSpan(context.active(), real),
        )
        .end((real as unknown as { startTime: [number, number] }).startTime);
    announce(work, root.spanContext().spanId);
    await provider.forceFlush();

    const traceId = work.spanContext().traceId;
    const read = async () => readJson<TraceAnswer>(await server.request(`/api/traces/${traceId}`));
    let answer = await read();
    expect(answer.summary).toMatchObject({ spanCount: 1, runningCount: 1 });
    expect(answer.records).toHaveLength(1);
    expect(answer.records[0]).toMatchObject({
      type: 'span_start',
      spanId: work.spanContext().spanId,
      parentSpanId: root.spanContext().spanId,
      name: 'load {path}',
      attrs: { path: '/etc/app' },
    });

    work.end();
    root.end();
    await provider.forceFlush();
    answer = await read();
    expect(answer.summary).toMatchObject({ spanCount: 2, runningCount: 0 });
    expect(answer.records.map((r) => `${r.type} ${r.name}`).sort()).toEqual(['span_end job', 'span_end load {path}']);
    expect(answer.records.find((r) => r.name === 'load {path}')).toMatchObject({ spanId: work.spanContext().spanId, attrs: { path: '/etc/app' } });
    await provider.shutdown();
  });
});
