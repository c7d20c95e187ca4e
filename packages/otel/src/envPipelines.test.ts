import { createRequire } from 'node:module';
import * as sdkNode from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { envPipelines, type NodeSdkModule } from './envPipelines.js';

const sdk = sdkNode as unknown as NodeSdkModule;
const sdkNodeEntry = createRequire(import.meta.url).resolve('@opentelemetry/sdk-node');

describe('envPipelines', () => {
  it('sets up nothing unless an exporter is named, and nothing for none', () => {
    for (const env of [{}, { OTEL_TRACES_EXPORTER: '' }, { OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'otlp,none' }]) {
      expect(envPipelines(sdk, sdkNodeEntry, env)).toEqual({ spanProcessors: [], logRecordProcessors: [], problems: [] });
    }
  });

  it('builds one processor per named exporter, for each OTLP protocol', async () => {
    for (const protocol of ['grpc', 'http/json', 'http/protobuf']) {
      const pipelines = envPipelines(sdk, sdkNodeEntry, {
        OTEL_TRACES_EXPORTER: 'otlp, console',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      expect(pipelines.problems).toEqual([]);
      expect(pipelines.spanProcessors.map((p) => p.constructor.name)).toEqual(['BatchSpanProcessor', 'SimpleSpanProcessor']);
      expect(pipelines.logRecordProcessors.map((p) => p.constructor.name)).toEqual(['BatchLogRecordProcessor']);
      await Promise.all([...pipelines.spanProcessors, ...pipelines.logRecordProcessors].map((p) => p.shutdown()));
    }
  });

  it('names the variable and the value it cannot use', () => {
    const pipelines = envPipelines(sdk, sdkNodeEntry, {
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/xml',
    });
    expect(pipelines.spanProcessors).toEqual([]);
    expect(pipelines.problems).toEqual([
      'OTEL_TRACES_EXPORTER: unknown exporter "jaeger"; use otlp, zipkin, console or none',
      'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: expected grpc, http/protobuf or http/json, got "http/xml"; OTEL_LOGS_EXPORTER=otlp is ignored',
    ]);
  });
});
