import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../encodeRecord.js';
import { normalizeRecord } from '../normalizeRecord.js';
import type { NormalizedRecord, TracerMeta } from '../types.js';
import type { OtlpExportRequest, OtlpLogsRequest, OtlpTraceRequest } from './otlpJsonTypes.js';
import { OtlpRequestBuilder } from './OtlpRequestBuilder.js';
import { otlpLogsRequestToRecords } from './otlpLogsRequestToRecords.js';
import { otlpTraceRequestToRecords } from './otlpTraceRequestToRecords.js';
import { CUT_OFF_ATTRIBUTE, recordLogToOtlp } from './recordsToOtlp.js';

const TRACE = 'be97f2fa26196196d1c776cef223b871';

function record(meta: TracerMeta, attrs: Record<string, unknown> = {}): NormalizedRecord {
  const result = normalizeRecord(JSON.parse(encodeRecord(meta, attrs)));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

const ctx = { trace_id: TRACE, service: 'agent', pid: 42, scope: 'app', scope_version: '1.0' };
const start = (spanId: string, name: string, time: string, attrs: Record<string, unknown> = {}, parent?: string) =>
  record(
    {
      ...ctx,
      timestamp: time,
      event: `${name}.start`,
      type: 'span_start',
      span_id: spanId,
      name,
      kind: 'client',
      provisional: true,
      ...(parent ? { parent_span_id: parent } : {}),
    },
    attrs,
  );

function collect(records: NormalizedRecord[], builder = new OtlpRequestBuilder()): OtlpExportRequest[] {
  const out: OtlpExportRequest[] = [];
  for (const item of records) out.push(...builder.push(item));
  out.push(...builder.end());
  return out;
}

describe('OtlpRequestBuilder', () => {
  it('turns a span start, event and end into one OTLP span under its resource and scope', () => {
    const requests = collect([
      start('a1a1a1a1a1a1a1a1', 'llm.call', '2025-10-26T12:34:15.000000Z', { model: 'small' }),
      record(
        { ...ctx, timestamp: '2025-10-26T12:34:15.010000Z', event: 'exception', type: 'span_event', span_id: 'a1a1a1a1a1a1a1a1', name: 'llm.call' },
        { 'exception.message': 'boom' },
      ),
      record(
        {
          ...ctx,
          timestamp: '2025-10-26T12:34:15.020500Z',
          event: 'llm.call.end',
          type: 'span_end',
          span_id: 'a1a1a1a1a1a1a1a1',
          name: 'llm.call',
          kind: 'client',
          status: 'error',
          status_message: 'boom',
          start_time: '2025-10-26T12:34:15.000000Z',
          duration_ms: 20.5,
          file: 'src/a.ts',
          line: 7,
          dropped: { events: 2 },
          links: [{ trace_id: TRACE, span_id: 'b2b2b2b2b2b2b2b2' }],
        },
        { model: 'small', tokens: 12, ratio: 0.5, tags: ['x'], nested: { deep: null } },
      ),
    ]);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.signal).toBe('traces');
    const body = request.body as OtlpTraceRequest;
    expect(body.resourceSpans[0]!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'agent' } },
      { key: 'process.pid', value: { intValue: '42' } },
    ]);
    expect(body.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: 'app', version: '1.0' });
    expect(body.resourceSpans[0]!.scopeSpans[0]!.spans).toEqual([
      {
        traceId: TRACE,
        spanId: 'a1a1a1a1a1a1a1a1',
        name: 'llm.call',
        kind: 3,
        startTimeUnixNano: '1761482055000000000',
        endTimeUnixNano: '1761482055020500000',
        attributes: [
          { key: 'model', value: { stringValue: 'small' } },
          { key: 'tokens', value: { intValue: '12' } },
          { key: 'ratio', value: { doubleValue: 0.5 } },
          { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'x' }] } } },
          { key: 'nested', value: { kvlistValue: { values: [{ key: 'deep', value: {} }] } } },
          { key: 'code.file.path', value: { stringValue: 'src/a.ts' } },
          { key: 'code.line.number', value: { intValue: '7' } },
        ],
        events: [{ timeUnixNano: '1761482055010000000', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }] }],
        links: [{ traceId: TRACE, spanId: 'b2b2b2b2b2b2b2b2', attributes: [] }],
        droppedEventsCount: 2,
        status: { code: 2, message: 'boom' },
      },
    ]);
  });

  it('sends a span with no end as cut off, ended at the last time seen in its trace', () => {
    const builder = new OtlpRequestBuilder();
    const requests = collect(
      [
        start('a1a1a1a1a1a1a1a1', 'agent.run', '2025-10-26T12:34:15.000000Z'),
        start('c1c1c1c1c1c1c1c1', 'tool', '2025-10-26T12:34:15.005000Z', {}, 'a1a1a1a1a1a1a1a1'),
        record({
          ...ctx,
          timestamp: '2025-10-26T12:34:15.030000Z',
          event: 'tool.end',
          type: 'span_end',
          span_id: 'c1c1c1c1c1c1c1c1',
          parent_span_id: 'a1a1a1a1a1a1a1a1',
          name: 'tool',
          status: 'ok',
          start_time: '2025-10-26T12:34:15.005000Z',
          duration_ms: 25,
        }),
      ],
      builder,
    );
    expect(builder.cutOff).toBe(1);
    const spans = (requests[0]!.body as OtlpTraceRequest).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans.map((span) => span.name)).toEqual(['tool', 'agent.run']);
    const running = spans[1]!;
    expect(running.endTimeUnixNano).toBe('1761482055030000000');
    expect(running.status).toEqual({});
    expect(running.attributes).toContainEqual({ key: CUT_OFF_ATTRIBUTE, value: { boolValue: true } });
    expect(spans[0]!.attributes.some((a) => a.key === CUT_OFF_ATTRIBUTE)).toBe(false);
  });

  it('sends a late start or a repeated end of a sent span only once, and reports events it cannot attach', () => {
    const end = record({
      ...ctx,
      timestamp: '2025-10-26T12:34:15.030000Z',
      event: 'tool.end',
      type: 'span_end',
      span_id: 'c1c1c1c1c1c1c1c1',
      name: 'tool',
      start_time: '2025-10-26T12:34:15.005000Z',
      duration_ms: 25,
    });
    const orphanEvent = record({
      ...ctx,
      timestamp: '2025-10-26T12:34:15.010000Z',
      event: 'retry',
      type: 'span_event',
      span_id: 'dddddddddddddddd',
      name: 'lost',
    });
    const builder = new OtlpRequestBuilder();
    const requests = collect([end, start('c1c1c1c1c1c1c1c1', 'tool', '2025-10-26T12:34:15.005000Z'), end, orphanEvent], builder);
    expect(requests.reduce((sum, r) => sum + r.items, 0)).toBe(1);
    expect(builder.skipped).toEqual([{ record: orphanEvent, reason: 'span event of a span with neither a start nor an end record' }]);
  });

  it('maps a log: a body attribute is the body and the event its eventName; otherwise the event is the body', () => {
    const requests = collect([
      record(
        {
          ...ctx,
          timestamp: '2025-10-26T12:34:15.040000Z',
          event: 'search_results',
          type: 'log',
          span_id: 'c1c1c1c1c1c1c1c1',
          level: 'warn',
          severity_number: 13,
          severity_text: 'WARNING',
        },
        { hits: 3 },
      ),
      record({ ...ctx, timestamp: '2025-10-26T12:34:15.041000Z', event: 'gen_ai.choice', type: 'log', level: 'info' }, { body: { index: 0 } }),
    ]);
    const logs = (requests[0]!.body as OtlpLogsRequest).resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(logs[0]).toEqual({
      timeUnixNano: '1761482055040000000',
      observedTimeUnixNano: '1761482055040000000',
      severityNumber: 13,
      severityText: 'WARNING',
      body: { stringValue: 'search_results' },
      attributes: [{ key: 'hits', value: { intValue: '3' } }],
      traceId: TRACE,
      spanId: 'c1c1c1c1c1c1c1c1',
    });
    expect(logs[1]).toMatchObject({
      severityNumber: 9,
      eventName: 'gen_ai.choice',
      body: { kvlistValue: { values: [{ key: 'index', value: { intValue: '0' } }] } },
      attributes: [],
    });
  });

  it('cuts requests by item count and by size, and groups each by resource and scope', () => {
    const logs = Array.from({ length: 5 }, (_, i) =>
      record({ timestamp: `2025-10-26T12:34:15.00000${i}Z`, event: 'tick', type: 'log', service: i % 2 === 0 ? 'a' : 'b' }, { pad: 'x'.repeat(100) }),
    );
    const byCount = collect(logs, new OtlpRequestBuilder({ maxItems: 2 }));
    expect(byCount.map((r) => r.items)).toEqual([2, 2, 1]);
    expect((byCount[0]!.body as OtlpLogsRequest).resourceLogs.map((r) => r.resource.attributes[0]!.value.stringValue)).toEqual(['a', 'b']);
    const itemBytes = JSON.stringify(recordLogToOtlp(logs[0]!)).length;
    const bySize = collect(logs, new OtlpRequestBuilder({ maxBytes: Math.floor(itemBytes * 2.5) }));
    expect(bySize.map((r) => r.items)).toEqual([2, 2, 1]);
  });

  it('is the reverse of the OTLP readers: records -> requests -> records gives the records back', () => {
    const records = [
      start('a1a1a1a1a1a1a1a1', 'agent.run', '2025-10-26T12:34:15.000000Z', { task: 'import' }),
      start('c1c1c1c1c1c1c1c1', 'tool', '2025-10-26T12:34:15.005000Z', { url: 'x' }, 'a1a1a1a1a1a1a1a1'),
      record(
        {
          ...ctx,
          timestamp: '2025-10-26T12:34:15.030000Z',
          event: 'tool.end',
          type: 'span_end',
          span_id: 'c1c1c1c1c1c1c1c1',
          parent_span_id: 'a1a1a1a1a1a1a1a1',
          name: 'tool',
          kind: 'client',
          status: 'ok',
          start_time: '2025-10-26T12:34:15.005000Z',
          duration_ms: 25,
          resource: { 'host.name': 'ci-7' },
        },
        { url: 'x', status: 200 },
      ),
      record(
        { ...ctx, timestamp: '2025-10-26T12:34:15.031000Z', event: 'saved', type: 'log', span_id: 'a1a1a1a1a1a1a1a1', level: 'info', severity_number: 9 },
        { rows: 3 },
      ),
    ];
    const back: NormalizedRecord[] = [];
    for (const request of collect(records)) {
      const conversion = request.signal === 'traces' ? otlpTraceRequestToRecords(request.body) : otlpLogsRequestToRecords(request.body);
      expect(conversion.rejected).toBe(0);
      back.push(...conversion.records);
    }
    const key = (r: NormalizedRecord): string => `${r.type}:${r.spanId ?? ''}`;
    const view = ({ meta: _meta, formatVersion: _version, ...rest }: NormalizedRecord): object => rest;
    // The receiver writes each span's start with the span's final attributes and its one resource (OTLP has only those).
    const expected = [records[0]!, { ...records[1]!, attrs: records[2]!.attrs, resource: records[2]!.resource! }, records[2]!, records[3]!];
    const order = (list: NormalizedRecord[]): object[] => [...list].sort((a, b) => key(a).localeCompare(key(b))).map(view);
    expect(order(back)).toEqual(order(expected));
    expect(back.find((r) => r.type === 'span_end' && r.spanId === 'c1c1c1c1c1c1c1c1')!.meta.resource).toEqual({ 'host.name': 'ci-7' });
  });
});
