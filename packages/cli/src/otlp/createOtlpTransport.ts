import { OTLP_HTTP_JSON, otlpHttpProtobuf, OtlpHttpTransport } from './OtlpHttpTransport.js';
import type { OtlpTarget } from './otlpTarget.js';
import type { OtlpTransport } from './OtlpTransport.js';

/** The transport for a target's protocol; the protobuf and gRPC code is loaded only for those protocols. */
export async function createOtlpTransport(target: OtlpTarget, timeoutMs: number): Promise<OtlpTransport> {
  const gzip = target.compression === 'gzip';
  switch (target.protocol) {
    case 'http/json':
      return new OtlpHttpTransport(target.endpoint, OTLP_HTTP_JSON, target.headers, timeoutMs, gzip);
    case 'http/protobuf':
      return new OtlpHttpTransport(target.endpoint, await otlpHttpProtobuf(), target.headers, timeoutMs, gzip);
    case 'grpc': {
      const { OtlpGrpcTransport } = await import('./OtlpGrpcTransport.js');
      return new OtlpGrpcTransport(target.endpoint, target.headers, timeoutMs, gzip);
    }
  }
}
