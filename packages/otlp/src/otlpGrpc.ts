import {
  Client,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { decodeExportResponse, encodeExportRequest, encodeExportResponse } from './otlpCodec.js';
import type { OtlpRequestBySignal, OtlpResponseBySignal, OtlpSignal } from './otlpTypes.js';

/** The gRPC method of each signal's OTLP export service. */
export const OTLP_GRPC_METHODS: Readonly<Record<OtlpSignal, string>> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * The service definition a gRPC server registers for one signal's `Export`. The request arrives as raw bytes,
 * so the server decodes it itself and answers INVALID_ARGUMENT (not INTERNAL) when it is not valid OTLP.
 */
export function otlpGrpcServiceDefinition<S extends OtlpSignal>(signal: S): ServiceDefinition<{ Export: MethodDefinition<Buffer, OtlpResponseBySignal[S]> }> {
  return {
    Export: {
      path: OTLP_GRPC_METHODS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: (response) => Buffer.from(encodeExportResponse(signal, response)),
      responseDeserialize: (bytes) => decodeExportResponse(signal, bytes),
    },
  };
}

/** Options of one `OtlpGrpcClient.export` call. */
export interface OtlpGrpcCallOptions {
  /** gRPC metadata (headers), e.g. `{ authorization: 'Bearer T' }`. */
  metadata?: Readonly<Record<string, string>>;
  /** Give up after this many milliseconds (DEADLINE_EXCEEDED). */
  timeoutMs?: number;
}

/**
 * An OTLP/gRPC client: sends export requests given in their OTLP/JSON shape and resolves with the decoded
 * response; rejects with the grpc-js ServiceError (its `code` is the gRPC status). Pass channel option
 * `'grpc.default_compression_algorithm': 2` for gzip.
 */
export class OtlpGrpcClient {
  private readonly client: Client;

  constructor(address: string, credentials: ChannelCredentials, options: ChannelOptions = {}) {
    this.client = new Client(address, credentials, options);
  }

  /** Sends one export request of `signal`. */
  export<S extends OtlpSignal>(signal: S, request: OtlpRequestBySignal[S], options: OtlpGrpcCallOptions = {}): Promise<OtlpResponseBySignal[S]> {
    return this.exportEncoded(signal, encodeExportRequest(signal, request), options);
  }

  /** Sends one export request of `signal` that is already protobuf-encoded (e.g. to size batches by bytes). */
  exportEncoded<S extends OtlpSignal>(signal: S, encoded: Uint8Array, options: OtlpGrpcCallOptions = {}): Promise<OtlpResponseBySignal[S]> {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
    const callOptions: CallOptions = options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
    const body = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest<Buffer, OtlpResponseBySignal[S]>(
        OTLP_GRPC_METHODS[signal],
        identity,
        (bytes) => decodeExportResponse(signal, bytes),
        body,
        metadata,
        callOptions,
        (error: ServiceError | null, response?: OtlpResponseBySignal[S]) => (error ? reject(error) : resolve(response ?? {})),
      );
    });
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}
