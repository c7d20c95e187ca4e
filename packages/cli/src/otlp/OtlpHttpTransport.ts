import { gzipSync } from 'node:zlib';
import type { OtlpExportRequest } from '@aitrace/format';
import { signalUrl } from './otlpTarget.js';
import { partialSuccessAnswer, type ExportAnswer, type OtlpTransport } from './OtlpTransport.js';

/** How one OTLP/HTTP encoding writes requests and reads responses. */
export interface OtlpHttpEncoding {
  contentType: string;
  encode(request: OtlpExportRequest): Uint8Array<ArrayBuffer> | string;
  /** The response body as an object with `partialSuccess`, or undefined when it is empty. */
  decodeResponse(request: OtlpExportRequest, body: Uint8Array): unknown;
  /** The message of an error answer's body (a google.rpc.Status in protobuf), or undefined to show it as text. */
  errorMessage?(body: Uint8Array): string | undefined;
}

/** OTLP/HTTP protobuf, with the official proto definitions (loaded only when used). */
export async function otlpHttpProtobuf(): Promise<OtlpHttpEncoding> {
  const { decodeExportResponse, decodeRpcStatus, encodeExportRequest } = await import('@aitrace/otlp');
  return {
    contentType: 'application/x-protobuf',
    encode: (request) => new Uint8Array(request.signal === 'traces' ? encodeExportRequest('traces', request.body) : encodeExportRequest('logs', request.body)),
    decodeResponse: (request, body) => (body.length > 0 ? decodeExportResponse(request.signal, body) : undefined),
    errorMessage: (body) => decodeRpcStatus(body).message || undefined,
  };
}

/** OTLP/HTTP JSON: the request objects as they are. */
export const OTLP_HTTP_JSON: OtlpHttpEncoding = {
  contentType: 'application/json',
  encode: (request) => JSON.stringify(request.body),
  decodeResponse: (_request, body) => (body.length > 0 ? JSON.parse(new TextDecoder().decode(body)) : undefined),
};

// The OTLP specification's retryable HTTP answers.
const RETRYABLE = new Set([429, 502, 503, 504]);
// Answers that every later request would get too: stop rather than send the whole file into them.
const FATAL = new Set([401, 403, 404, 405, 415]);
const MAX_MESSAGE = 300;

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Why a fetch failed, in a few words (`connect ECONNREFUSED 127.0.0.1:4318`, `timed out after 10000 ms`). */
function networkMessage(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: { message?: string; code?: string } };
  if (failure.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return failure.cause?.message ?? failure.message;
}

/** OTLP/HTTP (JSON or protobuf) to `<endpoint>/v1/traces` and `<endpoint>/v1/logs`. */
export class OtlpHttpTransport implements OtlpTransport {
  constructor(
    private readonly endpoint: URL,
    private readonly encoding: OtlpHttpEncoding,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
    private readonly gzip = false,
  ) {}

  async send(request: OtlpExportRequest): Promise<ExportAnswer> {
    let response: Response;
    let body: Uint8Array;
    try {
      const encoded = this.encoding.encode(request);
      response = await fetch(signalUrl(this.endpoint, request.signal), {
        method: 'POST',
        headers: { ...this.headers, 'content-type': this.encoding.contentType, ...(this.gzip ? { 'content-encoding': 'gzip' } : {}) },
        body: this.gzip ? new Uint8Array(gzipSync(encoded)) : encoded,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return { kind: 'retryable', message: networkMessage(error, this.timeoutMs) };
    }
    if (response.ok) {
      try {
        return partialSuccessAnswer(this.encoding.decodeResponse(request, body));
      } catch {
        // A 2xx with a body that is not an OTLP response still means stored.
        return { kind: 'accepted', rejected: 0 };
      }
    }
    const text = this.errorText(body, response.headers.get('content-type') ?? '');
    const message = `${response.status} ${response.statusText}${text !== '' ? `: ${text}` : ''}`;
    if (RETRYABLE.has(response.status)) {
      const wait = retryAfterMs(response.headers.get('retry-after'));
      return wait === undefined ? { kind: 'retryable', message } : { kind: 'retryable', message, retryAfterMs: wait };
    }
    return { kind: 'refused', message, fatal: FATAL.has(response.status) };
  }

  /** An error answer's body in a few words: the Status message of a protobuf body, else the text. */
  private errorText(body: Uint8Array, contentType: string): string {
    if (contentType.includes('protobuf') && this.encoding.errorMessage !== undefined) {
      try {
        const message = this.encoding.errorMessage(body);
        if (message !== undefined) return message.slice(0, MAX_MESSAGE);
      } catch {
        // Not a Status after all: shown as text below.
      }
    }
    return new TextDecoder()
      .decode(body.subarray(0, MAX_MESSAGE * 4))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_MESSAGE);
  }

  async close(): Promise<void> {}
}
