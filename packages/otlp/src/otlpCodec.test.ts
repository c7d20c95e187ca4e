import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeExportResponse,
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeRpcStatus,
  decodeTraceRequest,
  encodeExportResponse,
  encodeLogsRequest,
  encodeMetricsRequest,
  encodeRpcStatus,
  encodeTraceRequest,
} from './otlpCodec.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import type { ExportTraceServiceRequest } from './otlpTypes.js';

/** A length-delimited field `number` holding `bytes`, written with protobufjs' own writer. */
function field(number: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | 2)
    .bytes(bytes)
    .finish();
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const PARENT_ID = '00f067aa0ba902b7';

const traceRequest: ExportTraceServiceRequest = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'process.pid', value: { intValue: '4242' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'checkout-lib', version: '1.2.3' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              parentSpanId: PARENT_ID,
              name: 'charge.card',
              kind: 3,
              startTimeUnixNano: '1761480000000000001',
              endTimeUnixNano: '1761480000250000999',
              attributes: [
                { key: 'big', value: { intValue: '9007199254740993' } },
                { key: 'negative', value: { intValue: '-7' } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'raw', value: { bytesValue: 'AQID' } },
                { key: 'empty', value: { stringValue: '' } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: false }] } } },
                { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }] } } },
              ],
              events: [
                { timeUnixNano: '1761480000100000000', name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'TypeError' } }] },
              ],
              links: [
                { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b8', attributes: [{ key: 'why', value: { stringValue: 'retry' } }] },
              ],
              status: { code: 2, message: 'card declined' },
              droppedAttributesCount: 2,
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP protobuf requests', () => {
  it('decodes what it encodes into the OTLP/JSON shape: hex ids, exact 64-bit strings, numeric enums, base64 bytes', () => {
    const bytes = encodeTraceRequest(traceRequest);
    expect(decodeTraceRequest(bytes)).toEqual(traceRequest);
  });

  it('reads the wire format as protoc writes it (bytes built field by field, independently of the codec)', () => {
    const span = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from(TRACE_ID, 'hex'))
      .uint32((2 << 3) | 2)
      .bytes(Buffer.from(SPAN_ID, 'hex'))
      .uint32((5 << 3) | 2)
      .string('GET /')
      .uint32((6 << 3) | 0)
      .uint32(2)
      .uint32((7 << 3) | 1)
      .fixed64('1761480000000000001')
      .uint32((99 << 3) | 0)
      .uint32(1) // an unknown field, as a newer SDK may send: skipped
      .finish();
    expect(decodeTraceRequest(field(1, field(2, field(2, span))))).toEqual({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'GET /', kind: 2, startTimeUnixNano: '1761480000000000001' }] }] }],
    });
    expect(decodeTraceRequest(new Uint8Array())).toEqual({});
  });

  it('round-trips logs (with eventName and a body) and metrics (exemplar ids included)', () => {
    const logs = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1761480000000000000',
                  observedTimeUnixNano: '1761480000000000005',
                  severityNumber: 9,
                  severityText: 'INFO',
                  eventName: 'gen_ai.choice',
                  body: { kvlistValue: { values: [{ key: 'index', value: { intValue: '0' } }] } },
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  flags: 1,
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeLogsRequest(encodeLogsRequest(logs))).toEqual(logs);
    const metrics = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'requests',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [{ asInt: '3', timeUnixNano: '5', exemplars: [{ asDouble: 1.5, traceId: TRACE_ID, spanId: SPAN_ID }] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeMetricsRequest(encodeMetricsRequest(metrics))).toEqual(metrics);
  });

  it('refuses an id of the wrong length, naming its field', () => {
    const request = field(1, field(2, field(2, field(1, Buffer.alloc(11, 1)))));
    expect(() => decodeTraceRequest(request)).toThrow(
      new OtlpDecodeError('resourceSpans[0].scopeSpans[0].spans[0].traceId is 11 bytes long; a trace id is 16 bytes'),
    );
  });

  it('decodes ids that repeat across spans alike, and still refuses a span id sent again as a trace id', () => {
    const trace = Buffer.from(TRACE_ID, 'hex');
    const span = Buffer.from(SPAN_ID, 'hex');
    const spans = (...items: Uint8Array[]) => field(1, field(2, Buffer.concat(items.map((item) => field(2, item)))));
    const repeated = spans(...[1, 2, 3].map(() => Buffer.concat([field(1, trace), field(2, span), field(4, span)])));
    const decoded = decodeTraceRequest(repeated).resourceSpans![0]!.scopeSpans![0]!.spans!;
    expect(decoded.map((s) => [s.traceId, s.spanId, s.parentSpanId])).toEqual([1, 2, 3].map(() => [TRACE_ID, SPAN_ID, SPAN_ID]));
    const misused = spans(Buffer.concat([field(1, trace), field(2, span)]), Buffer.concat([field(1, span), field(2, span)]));
    expect(() => decodeTraceRequest(misused)).toThrow(
      new OtlpDecodeError('resourceSpans[0].scopeSpans[0].spans[1].traceId is 8 bytes long; a trace id is 16 bytes'),
    );
  });

  it('refuses truncated messages, wrong wire types, lengths past the end and deep nesting with OtlpDecodeError', () => {
    const whole = encodeTraceRequest(traceRequest);
    const cases: Uint8Array[] = [
      whole.subarray(0, whole.length - 3),
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // a length of 4 GiB
      Uint8Array.from([0x0f]), // wire type 7 does not exist
      Uint8Array.from([0x09, 0x01]), // field 1 is a message, sent as a truncated fixed64
      Uint8Array.from(Array.from({ length: 1_000_000 }, () => 0x0b)), // a million nested groups
    ];
    // An AnyValue nested 5,000 arrays deep, as the log body: deeper than the decoder's stack allows. (Shallower
    // values decode, and the record mapping cuts them at its depth limit, as it does for OTLP/JSON.)
    let deep = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('bottom')
      .finish();
    for (let i = 0; i < 5000; i++) deep = field(5, field(1, deep));
    cases.push(field(1, field(2, field(2, field(5, deep)))));
    for (const bytes of cases) {
      const decode = (): unknown => (bytes === cases.at(-1) ? decodeLogsRequest(bytes) : decodeTraceRequest(bytes));
      expect(decode).toThrow(OtlpDecodeError);
    }
  });

  it('refuses to encode an id that is not hex of the right length, naming its field, and leaves the input as it was', () => {
    const before = JSON.stringify(traceRequest);
    const bad = structuredClone(traceRequest);
    bad.resourceSpans![0]!.scopeSpans![0]!.spans![0]!.spanId = 'xyz';
    expect(() => encodeTraceRequest(bad)).toThrow('resourceSpans[0].scopeSpans[0].spans[0].spanId must be 16 hex digits, got "xyz"');
    encodeTraceRequest(traceRequest);
    expect(JSON.stringify(traceRequest)).toBe(before);
  });
});

describe('OTLP protobuf responses and google.rpc.Status', () => {
  it('round-trips partial success with its counts as numbers', () => {
    const response = { partialSuccess: { rejectedSpans: 2, errorMessage: '2 rejected' } };
    expect(decodeExportResponse('traces', encodeExportResponse('traces', response))).toEqual(response);
    expect(encodeExportResponse('logs', {})).toHaveLength(0);
    expect(
      decodeExportResponse('metrics', encodeExportResponse('metrics', { partialSuccess: { rejectedDataPoints: 7, errorMessage: 'metrics are not stored' } })),
    ).toEqual({ partialSuccess: { rejectedDataPoints: 7, errorMessage: 'metrics are not stored' } });
  });

  it('writes a Status as protoc does', () => {
    expect(Buffer.from(encodeRpcStatus({ code: 3, message: 'x' })).toString('hex')).toBe('0803120178');
    expect(decodeRpcStatus(Uint8Array.from([0x08, 0x03, 0x12, 0x01, 0x78]))).toEqual({ code: 3, message: 'x' });
  });
});
