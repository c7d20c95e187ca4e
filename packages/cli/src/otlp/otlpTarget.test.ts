import { describe, expect, it } from 'vitest';
import { resolveOtlpTarget, signalUrl } from './otlpTarget.js';
import { retryAfterMs } from './OtlpHttpTransport.js';

describe('resolveOtlpTarget', () => {
  it('takes flags first, then OTEL_EXPORTER_OTLP_*, then the OTLP defaults per protocol', () => {
    expect(resolveOtlpTarget({}, {})).toMatchObject({
      protocol: 'http/protobuf',
      endpoint: new URL('http://localhost:4318'),
      headers: {},
      compression: 'none',
    });
    expect(resolveOtlpTarget({ protocol: 'grpc' }, {}).endpoint.href).toBe('http://localhost:4317/');
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/base',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%3Db,x-team = core',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    };
    expect(resolveOtlpTarget({}, env)).toEqual({
      protocol: 'http/json',
      endpoint: new URL('https://otlp.example.com/base'),
      headers: { 'api-key': 'a=b', 'x-team': 'core' },
      compression: 'gzip',
    });
    expect(resolveOtlpTarget({ otlp: 'http://127.0.0.1:9999', protocol: 'grpc', header: ['API-Key=mine=too'], compression: 'none' }, env)).toEqual({
      protocol: 'grpc',
      endpoint: new URL('http://127.0.0.1:9999'),
      headers: { 'api-key': 'mine=too', 'x-team': 'core' },
      compression: 'none',
    });
  });

  it('names the flag or variable that is wrong', () => {
    expect(() => resolveOtlpTarget({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf, http/json or grpc, got "udp"',
    );
    expect(() => resolveOtlpTarget({ otlp: 'ftp://x' })).toThrow('--otlp must be an http:// or https:// URL');
    expect(() => resolveOtlpTarget({}, { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' })).toThrow('OTEL_EXPORTER_OTLP_HEADERS: "novalue" is not KEY=VALUE');
    expect(() => resolveOtlpTarget({ compression: 'zstd' })).toThrow('--compression must be gzip or none, got "zstd"');
  });

  it('appends /v1/<signal> to the base path', () => {
    expect(signalUrl(new URL('http://h:4318'), 'traces').href).toBe('http://h:4318/v1/traces');
    expect(signalUrl(new URL('http://h/otlp/'), 'logs').href).toBe('http://h/otlp/v1/logs');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
