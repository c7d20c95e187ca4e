import { UsageError } from '../UsageError.js';

/** The OTLP protocols `aitrace export` speaks, named as in OTEL_EXPORTER_OTLP_PROTOCOL. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

/** Where and how to send: the base endpoint, the protocol, the request headers and the compression. */
export interface OtlpTarget {
  endpoint: URL;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  /** `gzip` to compress request bodies (gRPC messages), as OTEL_EXPORTER_OTLP_COMPRESSION says. */
  compression: 'gzip' | 'none';
}

/** The flags that choose the target; unset ones fall back to the OTEL_EXPORTER_OTLP_* variables. */
export interface OtlpTargetFlags {
  otlp?: string | undefined;
  protocol?: string | undefined;
  header?: string[] | undefined;
  compression?: string | undefined;
}

/** Parses OTEL_EXPORTER_OTLP_HEADERS: `k1=v1,k2=v2`, values percent-encoded. */
function envHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`OTEL_EXPORTER_OTLP_HEADERS: ${JSON.stringify(item.trim())} is not KEY=VALUE`);
    let value = item.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // A value with a lone "%" is taken as written.
    }
    headers[item.slice(0, eq).trim().toLowerCase()] = value;
  }
  return headers;
}

/**
 * Resolves the export target from flags, then the environment (OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS,
 * _COMPRESSION),
 * then the OTLP defaults (http://localhost:4318 for HTTP, http://localhost:4317 for gRPC). `--header` wins over
 * the environment's header of the same name.
 */
export function resolveOtlpTarget(flags: OtlpTargetFlags, env: NodeJS.ProcessEnv = process.env): OtlpTarget {
  const protocolText = flags.protocol ?? (env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf');
  if (!PROTOCOLS.includes(protocolText as OtlpProtocol)) {
    const from = flags.protocol !== undefined ? '--protocol' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new UsageError(`${from} must be http/protobuf, http/json or grpc, got ${JSON.stringify(protocolText)}`);
  }
  const protocol = protocolText as OtlpProtocol;
  const endpointText = flags.otlp ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || (protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318'));
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw new UsageError(
      `${flags.otlp !== undefined ? '--otlp' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} must be a URL such as http://localhost:4318, got ${JSON.stringify(endpointText)}`,
    );
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:')
    throw new UsageError(`--otlp must be an http:// or https:// URL, got ${JSON.stringify(endpointText)}`);
  const headers = env.OTEL_EXPORTER_OTLP_HEADERS ? envHeaders(env.OTEL_EXPORTER_OTLP_HEADERS) : {};
  for (const item of flags.header ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header must be KEY=VALUE, got ${JSON.stringify(item)}`);
    headers[item.slice(0, eq).trim().toLowerCase()] = item.slice(eq + 1);
  }
  const compression = flags.compression ?? (env.OTEL_EXPORTER_OTLP_COMPRESSION || 'none');
  if (compression !== 'gzip' && compression !== 'none') {
    throw new UsageError(
      `${flags.compression !== undefined ? '--compression' : 'OTEL_EXPORTER_OTLP_COMPRESSION'} must be gzip or none, got ${JSON.stringify(compression)}`,
    );
  }
  return { endpoint, protocol, headers, compression };
}

/** The URL of one signal on an OTLP/HTTP base endpoint: `/v1/traces` or `/v1/logs` appended to its path. */
export function signalUrl(endpoint: URL, signal: 'traces' | 'logs'): URL {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return url;
}
