import { createServer } from 'node:http';
import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { decodeExportRequest, encodeExportResponse, otlpGrpcServiceDefinition } from '@aitrace/otlp';

type Signal = 'traces' | 'logs';

/** A running bridge: where to send, what arrived, and how to stop it. */
export interface OtlpBridge {
  url: string;
  /** Per request: the signal, its Content-Type (HTTP) and authorization header or metadata. */
  received: { signal: Signal; contentType?: string; authorization?: string }[];
  close: () => Promise<void>;
}

/** Forwards a decoded request to an aitrace server's OTLP/HTTP JSON route and gives back its answer. */
async function forward(target: string, signal: Signal, request: unknown): Promise<{ status: number; answer: Record<string, unknown> }> {
  const response = await fetch(new URL(`v1/${signal}`, target), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

/**
 * An OTLP/HTTP protobuf endpoint that decodes each request with the official proto definitions and hands it to
 * an aitrace server as OTLP JSON: protobuf on the wire in front of the receiver's JSON route.
 */
export async function startProtobufBridge(target: string): Promise<OtlpBridge> {
  const received: OtlpBridge['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const signal: Signal = request.url?.endsWith('/v1/logs') ? 'logs' : 'traces';
      received.push({ signal, contentType: request.headers['content-type'] ?? '', authorization: request.headers.authorization ?? '' });
      void forward(target, signal, decodeExportRequest(signal, Buffer.concat(chunks))).then(({ status: code, answer }) => {
        response.writeHead(code, { 'content-type': 'application/x-protobuf' });
        response.end(code === 200 ? encodeExportResponse(signal, answer) : undefined);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The same over OTLP/gRPC: `TraceService/Export` and `LogsService/Export` decoded and handed to the aitrace server. */
export async function startGrpcBridge(target: string): Promise<OtlpBridge> {
  const received: OtlpBridge['received'] = [];
  const server = new Server();
  for (const signal of ['traces', 'logs'] as const) {
    server.addService(otlpGrpcServiceDefinition(signal), {
      Export: (
        call: { request: Buffer; metadata: { get: (key: string) => unknown[] } },
        callback: (error: Partial<ServiceError> | null, response?: object) => void,
      ) => {
        received.push({ signal, authorization: String(call.metadata.get('authorization')[0] ?? '') });
        void forward(target, signal, decodeExportRequest(signal, call.request)).then(({ status: code, answer }) =>
          code === 200 ? callback(null, answer) : callback({ code: status.INVALID_ARGUMENT, details: JSON.stringify(answer) }),
        );
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { url: `http://127.0.0.1:${port}`, received, close: async () => void server.forceShutdown() };
}
