import { encodeRecord, otlpTraceRequestToRecords } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { readJsonl } from './LineReader.js';
import { mergeSpanRecords } from './mergeSpanRecords.js';
import { spanLines } from '@aitrace/testing';

const T = 'be97f2fa26196196d1c776cef223b871';

describe('mergeSpanRecords', () => {
  const [start, end] = readJsonl(
    spanLines({
      trace: T,
      span: 'aaaaaaaaaaaaaaa1',
      name: 'op',
      parent: 'ccccccccccccccc3',
      startMs: 0,
      endMs: 10,
      attrs: { phase: 'start', shared: 'start' },
      endAttrs: { shared: 'end' },
    }).join('\n'),
  ).records.map((item) => item.record);

  it('keeps the end whatever the order, with the start attributes under its own', () => {
    for (const merged of [mergeSpanRecords(start!, end!), mergeSpanRecords(end!, start!)]) {
      expect(merged.type).toBe('span_end');
      expect(merged.attrs).toEqual({ phase: 'start', shared: 'end' });
    }
  });

  it('fills fields the end lacks from the start', () => {
    const withSite = readJsonl(
      encodeRecord({
        timestamp: '2025-10-26T12:00:00.000000Z',
        event: 'op.start',
        type: 'span_start',
        trace_id: T,
        span_id: 'aaaaaaaaaaaaaaa1',
        name: 'op',
        provisional: true,
        file: 'src/a.ts',
        line: 3,
        kind: 'client',
      }),
    ).records[0]!.record;
    const bareEnd = { ...end!, parentSpanId: undefined, file: undefined, line: undefined, kind: undefined } as unknown as typeof withSite;
    expect(mergeSpanRecords(withSite, bareEnd)).toMatchObject({ type: 'span_end', file: 'src/a.ts', line: 3, kind: 'client' });
  });

  it('lets a newer start replace an older one', () => {
    const later = { ...start!, attrs: { phase: 'restart' } };
    expect(mergeSpanRecords(start!, later).attrs).toEqual({ phase: 'restart', shared: 'start' });
  });

  it('folds the start of a span that arrived ended over OTLP into its end without changing it (so a store may skip it)', () => {
    const span = {
      traceId: T,
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'GET /users',
      kind: 2,
      startTimeUnixNano: '1761480000123456789',
      endTimeUnixNano: '1761480000223456789',
      attributes: [
        { key: 'http.route', value: { stringValue: '/users' } },
        { key: 'code.file.path', value: { stringValue: 'src/app.ts' } },
        { key: 'code.line.number', value: { intValue: '12' } },
      ],
      events: [{ name: 'cache.miss', timeUnixNano: '1761480000150000000', attributes: [] }],
      links: [{ traceId: T, spanId: 'eee19b7ec3c1b170', attributes: [] }],
      status: { code: 2, message: 'boom' },
    };
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeSpans: [{ scope: { name: 'http', version: '1.0.0' }, spans: [span] }],
        },
      ],
    };
    const records = otlpTraceRequestToRecords(request).records;
    const start = records.find((record) => record.type === 'span_start')!;
    const end = records.find((record) => record.type === 'span_end')!;
    expect(mergeSpanRecords(start, end)).toEqual(end);
    expect(mergeSpanRecords(end, start)).toEqual(end);
    expect(otlpTraceRequestToRecords(request, { startsOfEndedSpans: false }).records).toEqual(records.filter((record) => record !== start));
  });
});
