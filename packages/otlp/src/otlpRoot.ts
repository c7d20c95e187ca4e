import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

/** What the codec needs of a message type; both protobufjs's generated classes and its reflected types have it. */
export interface OtlpMessageType {
  readonly name: string;
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): object;
  toObject(message: object, options: protobuf.IConversionOptions): Record<string, unknown>;
}

// The official opentelemetry-proto messages as protobufjs generated them for the OpenTelemetry JS SDK, which shipped
// them with @opentelemetry/otlp-transformer; 0.210 is its last release whose LogRecord has event_name.
const generated = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as Record<string, unknown>;

// google.rpc.Status, the body of OTLP/HTTP error answers; `details` (field 3) is skipped as unknown on decode.
const RPC_STATUS = 'syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; }';
let rpcRoot: protobuf.Root | undefined;

/** An OTLP message type by its full name (`opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`). */
export function otlpType(name: string): OtlpMessageType {
  if (name.startsWith('google.rpc.')) {
    rpcRoot ??= protobuf.parse(RPC_STATUS, { keepCase: false }).root;
    return rpcRoot.lookupType(name) as unknown as OtlpMessageType;
  }
  let node: unknown = generated;
  for (const part of name.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function') throw new Error(`no OTLP message type ${name}`);
  return node as unknown as OtlpMessageType;
}
