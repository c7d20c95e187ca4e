import { OTLP_HTTP_JSON, OtlpHttpTransport } from './OtlpHttpTransport.js';
import type { OtlpTarget } from './otlpTarget.js';
import type { OtlpTransport } from './OtlpTransport.js';

/** The transport for a target's protocol. */
export async function createOtlpTransport(target: OtlpTarget, timeoutMs: number): Promise<OtlpTransport> {
  switch (target.protocol) {
    case 'http/json':
      return new OtlpHttpTransport(target.endpoint, OTLP_HTTP_JSON, target.headers, timeoutMs);
    default:
      throw new Error(`--protocol ${target.protocol} is not available in this build; use --protocol http/json`);
  }
}
