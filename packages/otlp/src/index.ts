export {
  decodeExportRequest,
  encodeExportRequest,
  decodeExportResponse,
  encodeExportResponse,
  decodeRpcStatus,
  encodeRpcStatus,
  decodeTraceRequest,
  encodeTraceRequest,
  decodeLogsRequest,
  encodeLogsRequest,
  decodeMetricsRequest,
  encodeMetricsRequest,
} from './otlpCodec.js';
export { OtlpDecodeError } from './OtlpDecodeError.js';
export { OTLP_GRPC_METHODS, otlpGrpcServiceDefinition, OtlpGrpcClient, type OtlpGrpcCallOptions } from './otlpGrpc.js';
export type * from './otlpTypes.js';
