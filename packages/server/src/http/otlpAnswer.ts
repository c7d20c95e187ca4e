import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeExportResponse, encodeRpcStatus, type OtlpResponseBySignal, type OtlpSignal } from '@aitrace/otlp';
import type { HttpError } from './HttpError.js';
import { BASE_HEADERS, sendJson } from './respond.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** The Content-Type of OTLP/HTTP protobuf. */
export const PROTOBUF_TYPE = 'application/x-protobuf';

/** The OTLP encoding a request's Content-Type names, or undefined for any other type. */
export function otlpEncodingOf(request: IncomingMessage): OtlpEncoding | undefined {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === PROTOBUF_TYPE) return 'protobuf';
  return type === 'application/json' ? 'json' : undefined;
}

// google.rpc.Code (the same numbers as gRPC status codes) by HTTP status.
const RPC_CODES: Readonly<Record<number, number>> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  405: 12,
  408: 4,
  413: 8,
  415: 3,
  429: 8,
  500: 13,
  502: 14,
  503: 14,
  504: 4,
};

/** The google.rpc.Code / gRPC status code of an HTTP status (UNKNOWN for others). */
export function rpcCodeOf(status: number): number {
  return RPC_CODES[status] ?? 2;
}

function sendProtobuf(response: ServerResponse, status: number, bytes: Uint8Array, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...BASE_HEADERS, 'Content-Type': PROTOBUF_TYPE, 'Content-Length': bytes.length, 'Cache-Control': 'no-store', ...headers });
  response.end(bytes);
}

/** Sends an export response (`{}` or `{ partialSuccess }`) in the encoding of the request. */
export function sendOtlpResponse<S extends OtlpSignal>(response: ServerResponse, encoding: OtlpEncoding, signal: S, body: OtlpResponseBySignal[S]): void {
  if (encoding === 'protobuf') sendProtobuf(response, 200, encodeExportResponse(signal, body));
  else sendJson(response, 200, body);
}

/** Sends an OTLP error as a google.rpc.Status: protobuf when the request was protobuf, else JSON. */
export function sendOtlpError(request: IncomingMessage, response: ServerResponse, error: HttpError): void {
  const status = { code: rpcCodeOf(error.status), message: error.message };
  if (otlpEncodingOf(request) === 'protobuf') sendProtobuf(response, error.status, encodeRpcStatus(status), error.headers);
  else sendJson(response, error.status, status, error.headers);
}
