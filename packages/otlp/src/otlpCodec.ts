import { OtlpDecodeError } from './OtlpDecodeError.js';
import { idsFromBase64, idToBytes, LOGS_REQUEST_IDS, mapIds, METRICS_REQUEST_IDS, TRACE_REQUEST_IDS, type IdFields } from './otlpIds.js';
import { otlpType } from './otlpRoot.js';
import type { OtlpRequestBySignal, OtlpResponseBySignal, OtlpSignal, RpcStatus } from './otlpTypes.js';

interface MessageCodec {
  type: string;
  ids: IdFields;
  /** How 64-bit integers are given back: exact strings for data, numbers for the counts of a response. */
  longs: typeof String | typeof Number;
}

const COLLECTOR = 'opentelemetry.proto.collector';
const REQUESTS: Readonly<Record<OtlpSignal, MessageCodec>> = {
  traces: { type: `${COLLECTOR}.trace.v1.ExportTraceServiceRequest`, ids: TRACE_REQUEST_IDS, longs: String },
  logs: { type: `${COLLECTOR}.logs.v1.ExportLogsServiceRequest`, ids: LOGS_REQUEST_IDS, longs: String },
  metrics: { type: `${COLLECTOR}.metrics.v1.ExportMetricsServiceRequest`, ids: METRICS_REQUEST_IDS, longs: String },
};
const RESPONSES: Readonly<Record<OtlpSignal, MessageCodec>> = {
  traces: { type: `${COLLECTOR}.trace.v1.ExportTraceServiceResponse`, ids: {}, longs: Number },
  logs: { type: `${COLLECTOR}.logs.v1.ExportLogsServiceResponse`, ids: {}, longs: Number },
  metrics: { type: `${COLLECTOR}.metrics.v1.ExportMetricsServiceResponse`, ids: {}, longs: Number },
};
const STATUS: MessageCodec = { type: 'google.rpc.Status', ids: {}, longs: Number };

function decodeMessage(codec: MessageCodec, bytes: Uint8Array): unknown {
  const type = otlpType(codec.type);
  let message: object;
  try {
    message = type.decode(bytes);
  } catch (error) {
    // protobufjs reports truncation, bad wire types and lengths past the end; nesting too deep for the stack is a RangeError.
    throw new OtlpDecodeError(`the body is not a valid ${type.name} protobuf message: ${(error as Error).message}`);
  }
  let object: Record<string, unknown>;
  try {
    object = type.toObject(message, { longs: codec.longs, bytes: String });
  } catch (error) {
    // Values nested thousands of levels deep decode, but converting them runs out of stack.
    if (error instanceof RangeError) throw new OtlpDecodeError(`the body is not a usable ${type.name}: its values are nested too deeply`);
    throw error;
  }
  return mapIds(object, codec.ids, idsFromBase64(), false);
}

/** Bytes on an ArrayBuffer (never shared memory), so they can be a fetch body as they are. */
export type EncodedBytes = Uint8Array<ArrayBuffer>;

function encodeMessage(codec: MessageCodec, object: unknown): EncodedBytes {
  const type = otlpType(codec.type);
  const prepared = mapIds(object, codec.ids, idToBytes, true) as Record<string, unknown>;
  // protobufjs writes into a Node Buffer or a Uint8Array, both on a plain ArrayBuffer.
  return type.encode(type.fromObject(prepared)).finish() as EncodedBytes;
}

/**
 * Decodes an OTLP protobuf export request into its OTLP/JSON shape (hex ids, 64-bit integers as decimal
 * strings, enums as numbers, bytes as base64). Throws OtlpDecodeError naming what is wrong.
 */
export function decodeExportRequest<S extends OtlpSignal>(signal: S, bytes: Uint8Array): OtlpRequestBySignal[S] {
  return decodeMessage(REQUESTS[signal], bytes) as OtlpRequestBySignal[S];
}

/** Encodes an export request given in its OTLP/JSON shape as protobuf; throws naming a bad field. */
export function encodeExportRequest<S extends OtlpSignal>(signal: S, request: OtlpRequestBySignal[S]): EncodedBytes {
  return encodeMessage(REQUESTS[signal], request);
}

/** Decodes an export response (`partialSuccess` counts as numbers). Throws OtlpDecodeError. */
export function decodeExportResponse<S extends OtlpSignal>(signal: S, bytes: Uint8Array): OtlpResponseBySignal[S] {
  return decodeMessage(RESPONSES[signal], bytes) as OtlpResponseBySignal[S];
}

/** Encodes an export response (`{}` for full success, or `{ partialSuccess }`). */
export function encodeExportResponse<S extends OtlpSignal>(signal: S, response: OtlpResponseBySignal[S]): EncodedBytes {
  return encodeMessage(RESPONSES[signal], response);
}

/** Decodes a `google.rpc.Status` (the body of an OTLP/HTTP protobuf error answer). Throws OtlpDecodeError. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus {
  return decodeMessage(STATUS, bytes) as RpcStatus;
}

/** Encodes a `google.rpc.Status`. */
export function encodeRpcStatus(status: RpcStatus): EncodedBytes {
  return encodeMessage(STATUS, status);
}

/** Decodes an OTLP protobuf ExportTraceServiceRequest (see decodeExportRequest). */
export const decodeTraceRequest = (bytes: Uint8Array): OtlpRequestBySignal['traces'] => decodeExportRequest('traces', bytes);
/** Encodes an ExportTraceServiceRequest given in OTLP/JSON shape (see encodeExportRequest). */
export const encodeTraceRequest = (request: OtlpRequestBySignal['traces']): EncodedBytes => encodeExportRequest('traces', request);
/** Decodes an OTLP protobuf ExportLogsServiceRequest (see decodeExportRequest). */
export const decodeLogsRequest = (bytes: Uint8Array): OtlpRequestBySignal['logs'] => decodeExportRequest('logs', bytes);
/** Encodes an ExportLogsServiceRequest given in OTLP/JSON shape (see encodeExportRequest). */
export const encodeLogsRequest = (request: OtlpRequestBySignal['logs']): EncodedBytes => encodeExportRequest('logs', request);
/** Decodes an OTLP protobuf ExportMetricsServiceRequest (see decodeExportRequest). */
export const decodeMetricsRequest = (bytes: Uint8Array): OtlpRequestBySignal['metrics'] => decodeExportRequest('metrics', bytes);
/** Encodes an ExportMetricsServiceRequest given in OTLP/JSON shape (see encodeExportRequest). */
export const encodeMetricsRequest = (request: OtlpRequestBySignal['metrics']): EncodedBytes => encodeExportRequest('metrics', request);
