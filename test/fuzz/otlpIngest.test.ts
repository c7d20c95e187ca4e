import { gzipSync } from 'node:zlib';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { encodeTraceRequest, OtlpGrpcClient, type AnyValue, type ExportTraceServiceRequest, type KeyValue, type Span } from '@aitrace/otlp';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from '../server/harness.js';
import { checkAsyncProperty, fuzzTimeout } from './fuzzSettings.js';
import { HOSTILE_KEYS } from './recordArbitraries.js';

// Protobuf strings are UTF-8, so lone surrogates cannot travel in them: text here is whole characters.
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), text);

const anyValue: fc.Arbitrary<AnyValue> = fc.letrec<{ value: AnyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: String(n) })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((doubleValue) => ({ doubleValue })),
    fc.uint8Array({ maxLength: 8 }).map((bytes) => ({ bytesValue: Buffer.from(bytes).toString('base64') })),
    fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(fc.record({ key, value: tie('value') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
})).value;

const attributes: fc.Arbitrary<KeyValue[]> = fc.array(fc.record({ key, value: anyValue }), { maxLength: 4 });
const hexId = (bytes: number): fc.Arbitrary<string> =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .filter((b) => b.some((x) => x !== 0))
    .map((b) => Buffer.from(b).toString('hex'));
const nanos = fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_800_000_000_000_000_000n });

const span: fc.Arbitrary<Span> = fc
  .record({
    traceId: hexId(16),
    spanId: hexId(8),
    parentSpanId: fc.option(hexId(8), { nil: undefined }),
    name: text.filter((name) => name !== ''),
    kind: fc.integer({ min: 0, max: 5 }),
    start: nanos,
    durationNs: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined }),
    attributes,
    events: fc.array(fc.record({ name: text, timeUnixNano: nanos.map(String), attributes }), { maxLength: 2 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: text }),
  })
  .map(({ start, durationNs, parentSpanId, ...rest }) => ({
    ...rest,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    startTimeUnixNano: String(start),
    ...(durationNs === undefined ? {} : { endTimeUnixNano: String(start + durationNs) }),
  }));

const request: fc.Arbitrary<ExportTraceServiceRequest> = fc
  .array(fc.record({ service: text, scope: text, spans: fc.array(span, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 })
  .map((resources) => ({
    resourceSpans: resources.map((r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: r.service } }] },
      scopeSpans: [{ scope: { name: r.scope }, spans: r.spans }],
    })),
  }));

/** A length-delimited field holding `bytes`, written with protobufjs' writer. */
function field(number: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | 2)
    .bytes(bytes)
    .finish();
}

/** Damaged protobuf: a valid request cut short, with bytes overwritten, with a huge length spliced in, or nested deep. */
const damaged: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(request, fc.double({ min: 0, max: 1, noNaN: true })).map(([r, at]) => {
    const bytes = encodeTraceRequest(r);
    return bytes.subarray(0, Math.floor(bytes.length * at));
  }),
  fc.tuple(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })).map(([r, flips]) => {
    const bytes = Uint8Array.from(encodeTraceRequest(r));
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return bytes;
  }),
  fc
    .tuple(request, fc.nat(), fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x0a]))
    .map(([r, at, splice]) => {
      const bytes = encodeTraceRequest(r);
      const cut = at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, cut), Buffer.from(splice), bytes.subarray(cut)]);
    }),
  fc.tuple(fc.integer({ min: 50, max: 5000 }), fc.boolean()).map(([levels, groups]) => {
    if (groups) return Uint8Array.from({ length: levels }, () => 0x0b);
    let value = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('bottom')
      .finish();
    for (let i = 0; i < levels; i++) value = field(5, field(1, value));
    const attribute = Buffer.concat([field(1, Buffer.from('k')), field(2, value)]);
    const spanBytes = Buffer.concat([
      field(1, Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')),
      field(2, Buffer.from('eee19b7ec3c1b174', 'hex')),
      field(9, attribute),
    ]);
    return field(1, field(2, field(2, spanBytes)));
  }),
  fc.uint8Array({ maxLength: 2000 }),
);

describe('fuzzing the OTLP protobuf and gRPC receivers', () => {
  let jsonServer: TestServer;
  let server: TestServer;
  let client: OtlpGrpcClient;
  let run = 0;
  beforeAll(async () => {
    jsonServer = await startTestServer();
    server = await startTestServer({ otlpHttpPort: 0, otlpGrpcPort: 0 });
    client = new OtlpGrpcClient(server.otlpGrpc!.address, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await jsonServer.stop();
    await server.stop();
  });

  /** Sends protobuf bytes over OTLP/HTTP (gzipped or not) or OTLP/gRPC; the answer as an HTTP-like status. */
  async function sendProtobuf(bytes: Uint8Array, via: 'http' | 'http-gzip' | 'grpc'): Promise<{ status: number; detail: string }> {
    if (via === 'grpc') {
      try {
        await client.exportEncoded('traces', bytes);
        return { status: 200, detail: '' };
      } catch (error) {
        const { code, details } = error as ServiceError;
        return { status: code === status.INVALID_ARGUMENT ? 400 : 500 + code, detail: details };
      }
    }
    const body = via === 'http-gzip' ? gzipSync(bytes) : Uint8Array.from(bytes);
    const response = await fetch(new URL('/v1/traces', server.otlpHttp!.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', ...(via === 'http-gzip' ? { 'Content-Encoding': 'gzip' } : {}) },
      body,
    });
    return { status: response.status, detail: Buffer.from(await response.arrayBuffer()).toString('latin1') };
  }

  const transport = fc.constantFrom('http' as const, 'http-gzip' as const, 'grpc' as const);

  it('stores exactly the records the OTLP/JSON path stores for the same request, over protobuf and gRPC', { timeout: fuzzTimeout(60_000) }, async () => {
    await checkAsyncProperty(
      'OTLP protobuf/gRPC vs JSON ingest of generated requests',
      fc.tuple(request, transport),
      async ([original, via]) => {
        // Trace ids unique to the run, so runs (and shrinking) never add to each other's traces.
        run++;
        const generated = structuredClone(original);
        for (const resource of generated.resourceSpans!)
          for (const scope of resource.scopeSpans!) for (const s of scope.spans!) s.traceId = `${run.toString(16).padStart(8, '0')}${s.traceId!.slice(8)}`;
        const json = await jsonServer.request('/v1/traces', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(generated),
        });
        const jsonAnswer = await json.json();
        const sent = await sendProtobuf(encodeTraceRequest(generated), via);
        expect({ status: sent.status, json: json.status }).toEqual({ status: 200, json: 200 });
        if (via === 'grpc') expect(jsonAnswer).toEqual({});
        for (const traceId of new Set(generated.resourceSpans!.flatMap((r) => r.scopeSpans!.flatMap((s) => s.spans!.map((sp) => sp.traceId!))))) {
          const fromJson = await readJson<TraceAnswer>(await jsonServer.request(`/api/traces/${traceId}`));
          const fromProtobuf = await readJson<TraceAnswer>(await server.request(`/api/traces/${traceId}`));
          expect(fromProtobuf.records).toEqual(fromJson.records);
        }
      },
      40,
      0.1,
    );
  });

  it(
    'answers damaged protobuf with 200 or 400 / INVALID_ARGUMENT (never a crash or an internal error), storing nothing on 400',
    { timeout: fuzzTimeout(60_000) },
    async () => {
      const seen = new Set<string>();
      await checkAsyncProperty(
        'OTLP protobuf/gRPC ingest of damaged bytes',
        fc.tuple(damaged, transport),
        async ([bytes, via]) => {
          const rowsBefore = await server.store.countRows();
          const answer = await sendProtobuf(bytes, via);
          expect([200, 400], `${via}: ${answer.status} ${answer.detail}`).toContain(answer.status);
          seen.add(`${via} ${answer.status}`);
          if (answer.status === 400) expect(await server.store.countRows()).toBe(rowsBefore);
        },
        80,
        0.1,
      );
      // Both outcomes occurred on every transport, so the property was not passed vacuously.
      expect([...seen].sort()).toEqual(['grpc 200', 'grpc 400', 'http 200', 'http 400', 'http-gzip 200', 'http-gzip 400']);
      expect(server.problems.filter((line) => line.includes('internal error'))).toEqual([]);
      expect((await server.request('/api/health')).status).toBe(200);
    },
  );
});
