import { describe, expect, it } from 'vitest';
import { otlpTraceRequestToRecords } from './otlpTraceRequestToRecords.js';
import { OtlpFormatError } from './OtlpConversion.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const REAL = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';
const PENDING = 'eee19b7ec3c1b175';

function request(spans: unknown[], resource: unknown[] = [{ key: 'service.name', value: { stringValue: 'py-app' } }]) {
  return { resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: 'logfire', version: '4.0.0' }, spans }] }] };
}

const real = {
  traceId: TRACE,
  spanId: REAL,
  parentSpanId: PARENT,
  name: 'load {path}',
  kind: 'SPAN_KIND_INTERNAL',
  startTimeUnixNano: '1761480000123456789',
  endTimeUnixNano: '1761480000223456789',
  attributes: [{ key: 'path', value: { stringValue: '/etc/app' } }],
  status: { code: 'STATUS_CODE_OK' },
};
// What Logfire SDKs send when a span starts: an ended twin, child of the real span, with the real parent.
const pending = {
  ...real,
  spanId: PENDING,
  parentSpanId: REAL,
  endTimeUnixNano: real.startTimeUnixNano,
  attributes: [
    ...real.attributes,
    { key: 'logfire.span_type', value: { stringValue: 'pending_span' } },
    { key: 'logfire.pending_parent_id', value: { stringValue: PARENT } },
  ],
  status: {},
};

describe('otlpTraceRequestToRecords', () => {
  it('turns a span into its start, events and end, with resource and scope', () => {
    const { records, rejected } = otlpTraceRequestToRecords(
      request(
        [{ ...real, kind: 3, events: [{ name: 'retry', timeUnixNano: '1761480000150000000', attributes: [{ key: 'n', value: { intValue: '2' } }] }] }],
        [
          { key: 'service.name', value: { stringValue: 'py-app' } },
          { key: 'service.version', value: { stringValue: '1.2' } },
          { key: 'process.pid', value: { intValue: '77' } },
        ],
      ),
    );
    expect(rejected).toBe(0);
    expect(records.map((r) => `${r.type} ${r.event}`)).toEqual(['span_start load {path}.start', 'span_event retry', 'span_end load {path}.end']);
    expect(records[2]).toMatchObject({
      kind: 'client',
      status: 'ok',
      durationMs: 100,
      service: 'py-app',
      resource: { 'service.version': '1.2' },
      pid: 77,
      scope: 'logfire',
      scopeVersion: '4.0.0',
      attrs: { path: '/etc/app' },
    });
    expect(records[1]).toMatchObject({ spanId: REAL, name: 'load {path}', attrs: { n: 2 } });
    expect(records[1]?.kind).toBeUndefined();
  });

  it('reads a Logfire pending span as the start of the span it announces, still running', () => {
    const { records, rejected } = otlpTraceRequestToRecords(request([pending]));
    expect(rejected).toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: 'span_start',
      provisional: true,
      traceId: TRACE,
      spanId: REAL,
      parentSpanId: PARENT,
      name: 'load {path}',
      event: 'load {path}.start',
      attrs: { path: '/etc/app' },
    });
    const root = otlpTraceRequestToRecords(
      request([
        {
          ...pending,
          attributes: [
            { key: 'logfire.span_type', value: { stringValue: 'pending_span' } },
            { key: 'logfire.pending_parent_id', value: { stringValue: '0000000000000000' } },
          ],
        },
      ]),
    ).records[0];
    expect(root).toMatchObject({ spanId: REAL, attrs: {} });
    expect(root?.parentSpanId).toBeUndefined();
  });

  it('rejects spans with bad ids or no start one by one, and a value that is not a request', () => {
    const { records, rejected, errors } = otlpTraceRequestToRecords(request([{ ...real, spanId: 'zz' }, { ...real, startTimeUnixNano: undefined }, real]));
    expect(records).toHaveLength(2);
    expect(rejected).toBe(2);
    expect(errors[0]).toMatch(/spanId "zz" is not 8 bytes/);
    expect(errors[1]).toMatch(/startTimeUnixNano is missing/);
    expect(() => otlpTraceRequestToRecords({ resourceSpans: 'all' })).toThrow(OtlpFormatError);
    expect(() => otlpTraceRequestToRecords([])).toThrow(OtlpFormatError);
  });
});
