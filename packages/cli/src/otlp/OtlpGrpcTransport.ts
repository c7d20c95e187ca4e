import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import type { OtlpExportRequest } from '@aitrace/format';
import { OtlpGrpcClient } from '@aitrace/otlp';
import { partialSuccessAnswer, type ExportAnswer, type OtlpTransport } from './OtlpTransport.js';

// The OTLP specification's retryable gRPC codes; RESOURCE_EXHAUSTED too, as the retries are bounded anyway.
const RETRYABLE = new Set<number>([
  status.CANCELLED,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.OUT_OF_RANGE,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);
// Codes that every later request would get too.
const FATAL = new Set<number>([status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.UNIMPLEMENTED]);

/** The gRPC code's name, e.g. `UNAVAILABLE`. */
function codeName(code: number): string {
  return (status as unknown as Record<number, string>)[code] ?? `code ${code}`;
}

/** OTLP/gRPC to `TraceService/Export` and `LogsService/Export` on the endpoint's host and port (TLS for https). */
export class OtlpGrpcTransport implements OtlpTransport {
  private readonly client: OtlpGrpcClient;

  constructor(
    endpoint: URL,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
    gzip = false,
  ) {
    const port = endpoint.port !== '' ? endpoint.port : endpoint.protocol === 'https:' ? '443' : '80';
    // grpc-js compression algorithm 2 is gzip.
    const options = gzip ? { 'grpc.default_compression_algorithm': 2 } : {};
    this.client = new OtlpGrpcClient(
      `${endpoint.hostname}:${port}`,
      endpoint.protocol === 'https:' ? credentials.createSsl() : credentials.createInsecure(),
      options,
    );
  }

  async send(request: OtlpExportRequest): Promise<ExportAnswer> {
    try {
      const response = await this.client.export(request.signal, request.body, { metadata: this.headers, timeoutMs: this.timeoutMs });
      return partialSuccessAnswer(response);
    } catch (error) {
      const failure = error as ServiceError;
      if (typeof failure.code !== 'number') return { kind: 'refused', message: (error as Error).message, fatal: false };
      const message = `${codeName(failure.code)}: ${failure.details || failure.message}`;
      if (RETRYABLE.has(failure.code)) return { kind: 'retryable', message };
      return { kind: 'refused', message, fatal: FATAL.has(failure.code) };
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
