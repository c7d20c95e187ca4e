import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// The official opentelemetry-proto definitions (see proto/README.md), next to src/ and dist/ alike.
const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

const SERVICE_FILES = ['trace/v1/trace_service.proto', 'logs/v1/logs_service.proto', 'metrics/v1/metrics_service.proto'].map((file) => `opentelemetry/proto/collector/${file}`);

// google.rpc.Status, the body of OTLP/HTTP error answers; `details` (field 3) is skipped as unknown on decode.
const RPC_STATUS = 'syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; }';

let root: protobuf.Root | undefined;

/** The OTLP protobuf types, parsed from the .proto files once, on first use. */
export function otlpType(name: string): protobuf.Type {
  if (root === undefined) {
    const loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    loaded.loadSync(SERVICE_FILES, { keepCase: false });
    protobuf.parse(RPC_STATUS, loaded, { keepCase: false });
    loaded.resolveAll();
    root = loaded;
  }
  return root.lookupType(name);
}
