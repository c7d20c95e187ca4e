import { credentials, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExportRequest } from './otlpCodec.js';
import { OTLP_GRPC_METHODS, OtlpGrpcClient, otlpGrpcServiceDefinition } from './otlpGrpc.js';
import type { OtlpSignal } from './otlpTypes.js';

describe('OTLP/gRPC service definitions and client', () => {
  const received: Array<{ signal: OtlpSignal; request: unknown; authorization: unknown }> = [];
  const server = new Server();
  let address = '';
  beforeAll(async () => {
    for (const signal of ['traces', 'logs'] as const) {
      server.addService(otlpGrpcServiceDefinition(signal), {
        Export: (
          call: { request: Buffer; metadata: { get: (key: string) => unknown[] } },
          callback: (error: Partial<ServiceError> | null, response?: object) => void,
        ) => {
          if (call.request.length === 0) {
            callback({ code: status.INVALID_ARGUMENT, details: 'empty' });
            return;
          }
          received.push({ signal, request: decodeExportRequest(signal, call.request), authorization: call.metadata.get('authorization')[0] });
          callback(null, signal === 'traces' ? { partialSuccess: { rejectedSpans: 1, errorMessage: 'one bad span' } } : {});
        },
      });
    }
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => {
    server.forceShutdown();
  });

  it('names the official methods', () => {
    expect(OTLP_GRPC_METHODS).toEqual({
      traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
      metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    });
  });

  it('sends requests (gzip-compressed) with metadata and reads the partial success', async () => {
    const client = new OtlpGrpcClient(address, credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const traces = {
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'x', startTimeUnixNano: '1761480000000000000' }] },
            ],
          },
        ],
      };
      expect(await client.export('traces', traces, { metadata: { authorization: 'Bearer t' }, timeoutMs: 10_000 })).toEqual({
        partialSuccess: { rejectedSpans: 1, errorMessage: 'one bad span' },
      });
      expect(await client.export('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', eventName: 'e' }] }] }] })).toEqual({});
      expect(received).toEqual([
        { signal: 'traces', request: traces, authorization: 'Bearer t' },
        { signal: 'logs', request: { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', eventName: 'e' }] }] }] }, authorization: undefined },
      ]);
      await expect(client.export('logs', {})).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'empty' });
      await expect(client.exportEncoded('traces', Uint8Array.from([0x0a, 0x00]))).resolves.toEqual({
        partialSuccess: { rejectedSpans: 1, errorMessage: 'one bad span' },
      });
      expect(received.at(-1)).toEqual({ signal: 'traces', request: { resourceSpans: [{}] }, authorization: undefined });
      await expect(client.export('metrics', {})).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
    } finally {
      client.close();
    }
  });
});
