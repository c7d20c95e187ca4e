import { createRequire } from 'node:module';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The parts of `@opentelemetry/sdk-node` the preload builds exporter pipelines from. */
export interface NodeSdkModule {
  tracing: {
    BatchSpanProcessor: new (exporter: SpanExporter) => SpanProcessor;
    SimpleSpanProcessor: new (exporter: SpanExporter) => SpanProcessor;
    ConsoleSpanExporter: new () => SpanExporter;
  };
  logs: {
    BatchLogRecordProcessor: new (options: never) => LogRecordProcessor;
    SimpleLogRecordProcessor: new (options: never) => LogRecordProcessor;
    ConsoleLogRecordExporter: new () => LogRecordExporter;
  };
}

/** Span and log processors for the exporters named by `OTEL_TRACES_EXPORTER` / `OTEL_LOGS_EXPORTER`. */
export interface EnvPipelines {
  spanProcessors: SpanProcessor[];
  logRecordProcessors: LogRecordProcessor[];
  /** Problems with the variables, one sentence each naming the variable. */
  problems: string[];
}

// OTLP protocol -> suffix of the exporter package (exporter-trace-otlp-proto, exporter-logs-otlp-http, ...).
const OTLP_PACKAGE_SUFFIX: Readonly<Record<string, string>> = { grpc: 'grpc', 'http/json': 'http', 'http/protobuf': 'proto' };

/** Exporter names in a comma-separated variable; unset, empty or containing `none` means none. */
function exporterNames(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  return names.includes('none') ? [] : [...new Set(names)];
}

/**
 * sdk-logs 0.200-0.21x processors take the exporter, later ones `{ exporter }`; this argument works as both, so
 * the preload runs with whichever release sdk-node brought.
 */
function processorArgument(exporter: LogRecordExporter): never {
  return {
    exporter,
    export: exporter.export.bind(exporter),
    shutdown: exporter.shutdown.bind(exporter),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  } as never;
}

/**
 * Builds the exporter pipelines OpenTelemetry's own preload would set up from the environment, so that
 * `node --import @aitrace/otel/register` keeps an OTLP (or console, zipkin) exporter next to the trace file.
 * Only variables that are set count: unlike the SDK default, nothing is sent anywhere unless asked for.
 * Exporter packages are loaded from where `sdkNodeEntry` (sdk-node, which depends on them) resolves.
 */
export function envPipelines(sdk: NodeSdkModule, sdkNodeEntry: string, env: NodeJS.ProcessEnv = process.env): EnvPipelines {
  const load = createRequire(sdkNodeEntry);
  const problems: string[] = [];
  const otlp = <T>(signal: 'trace' | 'logs', variable: string, className: string): T | undefined => {
    const protocolVariable = signal === 'trace' ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL';
    const [from, protocol] = env[protocolVariable]
      ? [protocolVariable, env[protocolVariable]]
      : ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf'];
    const suffix = OTLP_PACKAGE_SUFFIX[protocol];
    if (suffix === undefined) {
      problems.push(`${from}: expected grpc, http/protobuf or http/json, got ${JSON.stringify(protocol)}; ${variable}=otlp is ignored`);
      return undefined;
    }
    const module = load(`@opentelemetry/exporter-${signal}-otlp-${suffix}`) as Record<string, new () => T>;
    return new module[className]!();
  };

  const spanProcessors: SpanProcessor[] = [];
  for (const name of exporterNames(env.OTEL_TRACES_EXPORTER)) {
    if (name === 'console') {
      spanProcessors.push(new sdk.tracing.SimpleSpanProcessor(new sdk.tracing.ConsoleSpanExporter()));
      continue;
    }
    let exporter: SpanExporter | undefined;
    if (name === 'otlp') exporter = otlp<SpanExporter>('trace', 'OTEL_TRACES_EXPORTER', 'OTLPTraceExporter');
    else if (name === 'zipkin') exporter = new (load('@opentelemetry/exporter-zipkin') as { ZipkinExporter: new () => SpanExporter }).ZipkinExporter();
    else problems.push(`OTEL_TRACES_EXPORTER: unknown exporter ${JSON.stringify(name)}; use otlp, zipkin, console or none`);
    if (exporter !== undefined) spanProcessors.push(new sdk.tracing.BatchSpanProcessor(exporter));
  }

  const logRecordProcessors: LogRecordProcessor[] = [];
  for (const name of exporterNames(env.OTEL_LOGS_EXPORTER)) {
    if (name === 'console') {
      logRecordProcessors.push(new sdk.logs.SimpleLogRecordProcessor(processorArgument(new sdk.logs.ConsoleLogRecordExporter())));
      continue;
    }
    let exporter: LogRecordExporter | undefined;
    if (name === 'otlp') exporter = otlp<LogRecordExporter>('logs', 'OTEL_LOGS_EXPORTER', 'OTLPLogExporter');
    else problems.push(`OTEL_LOGS_EXPORTER: unknown exporter ${JSON.stringify(name)}; use otlp, console or none`);
    if (exporter !== undefined) logRecordProcessors.push(new sdk.logs.BatchLogRecordProcessor(processorArgument(exporter)));
  }
  problems.push(...samplerProblems(env));
  return { spanProcessors, logRecordProcessors, problems };
}

// The samplers the OpenTelemetry SDK builds from OTEL_TRACES_SAMPLER; any other value falls back silently.
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'jaeger_remote',
  'parentbased_jaeger_remote',
];

/** What is wrong with OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, which the SDK would only note in its silent diag log. */
export function samplerProblems(env: NodeJS.ProcessEnv): string[] {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (sampler === undefined || sampler === '') return [];
  if (!SAMPLERS.includes(sampler)) {
    return [
      `OTEL_TRACES_SAMPLER: unknown sampler ${JSON.stringify(env.OTEL_TRACES_SAMPLER)}, so the SDK samples every trace (parentbased_always_on); use one of ${SAMPLERS.join(', ')}`,
    ];
  }
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (sampler.endsWith('traceidratio') && arg !== undefined && arg !== '') {
    const ratio = Number(arg);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
      return [`OTEL_TRACES_SAMPLER_ARG: expected a ratio from 0 to 1 for ${sampler}, got ${JSON.stringify(arg)}, so the SDK samples every trace`];
  }
  return [];
}
