import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type sendUnaryData,
  type ServerInterceptor,
  type ServerUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { otlpGrpcServiceDefinition, type OtlpResponseBySignal, type OtlpSignal } from '@aitrace/otlp';
import { hasBearerToken } from '../http/bearerAuth.js';
import { HttpError } from '../http/HttpError.js';
import { rpcCodeOf } from '../http/otlpAnswer.js';
import { decodeOtlpProtobuf, receiveOtlpExport } from '../routes/ingestOtlp.js';
import type { ServerContext } from '../ServerContext.js';

/** A running OTLP/gRPC listener. */
export interface OtlpGrpcServer {
  /** The port bound (useful with port 0). */
  port: number;
  /** Stops at once; calls in flight are cancelled. */
  close: () => void;
}

// The gRPC counterparts of the refusals logged on HTTP (400, 401, 413 and 415).
const LOGGED_REFUSALS: ReadonlySet<number> = new Set([status.INVALID_ARGUMENT, status.UNAUTHENTICATED, status.RESOURCE_EXHAUSTED]);

function grpcError(error: unknown, context: ServerContext): Partial<ServiceError> {
  if (error instanceof HttpError) return { code: rpcCodeOf(error.status), details: error.message };
  context.onProblem(`internal error in OTLP/gRPC Export: ${(error as Error).stack ?? String(error)}`);
  return { code: status.INTERNAL, details: `internal error: ${(error as Error).message}` };
}

function exportHandler<S extends OtlpSignal>(signal: S, context: ServerContext) {
  return (call: ServerUnaryCall<Buffer, OtlpResponseBySignal[S]>, callback: sendUnaryData<OtlpResponseBySignal[S]>): void => {
    if (context.token !== undefined && !hasBearerToken(call.metadata.get('authorization')[0], context.token)) {
      callback({
        code: status.UNAUTHENTICATED,
        details: 'a bearer token is required: send the metadata "authorization: Bearer <token>" (the --token of the server)',
      });
      return;
    }
    let body: unknown;
    try {
      body = decodeOtlpProtobuf(signal, call.request);
    } catch (error) {
      callback(grpcError(error, context));
      return;
    }
    receiveOtlpExport(signal, body, context).then(
      (response) => callback(null, response),
      (error: unknown) => callback(grpcError(error, context)),
    );
  };
}

/** Logs refused calls, including those grpc-js answers itself (a message over the size limit). */
function refusalInterceptor(context: ServerContext): ServerInterceptor {
  return (method, call) =>
    new ServerInterceptingCall(call, {
      sendStatus: (sent, next) => {
        if (LOGGED_REFUSALS.has(sent.code))
          context.refusals.note(call.getConnectionInfo().remoteAddress ?? 'unknown', `gRPC ${status[sent.code]}`, method.path, sent.details ?? '');
        next(sent);
      },
    });
}

/**
 * Starts the OTLP/gRPC receiver: `TraceService/Export`, `LogsService/Export` and `MetricsService/Export`
 * (gzip-compressed messages accepted; a message over `maxBodyBytes`, before or after decompression, is
 * RESOURCE_EXHAUSTED). Answers follow the OTLP specification: INVALID_ARGUMENT for bad data,
 * UNAUTHENTICATED without the token, UNAVAILABLE (retryable) when the store fails.
 */
export async function startOtlpGrpcServer(context: ServerContext, host: string, port: number): Promise<OtlpGrpcServer> {
  const server = new Server({ 'grpc.max_receive_message_length': context.maxBodyBytes, interceptors: [refusalInterceptor(context)] });
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(otlpGrpcServiceDefinition(signal), { Export: exportHandler(signal, context) });
  }
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
  return { port: bound, close: () => server.forceShutdown() };
}
