/**
 * Preload entry: `AITRACE_OUTPUT=trace.jsonl node --import @aitrace/otel/register app.js` traces an unmodified
 * app with the standard Node auto-instrumentations. Needs `@opentelemetry/sdk-node` and
 * `@opentelemetry/auto-instrumentations-node` installed next to it. OTEL_* variables are honoured, and exporters
 * named in OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER / OTEL_METRICS_EXPORTER run next to the trace file. Without
 * AITRACE_OUTPUT the records go to `traces/<service>-<date>.jsonl` (`-` writes them to stdout); with
 * AITRACE_REQUIRED=true, a preload that cannot trace ends the process instead of letting it run untraced.
 */
import { createRequire, register as registerLoader } from 'node:module';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBooleanText } from '@aitrace/format/config';
import { resolveConfig } from './AitraceOptions.js';
import { createAitrace } from './createAitrace.js';
import { envPipelines, type NodeSdkModule } from './envPipelines.js';
import { trackExit } from './exitHooks.js';
import { reportError } from './reportError.js';

const require = createRequire(import.meta.url);

function resolveFrom(from: string, specifier: string): string | undefined {
  try {
    return createRequire(from).resolve(specifier);
  } catch {
    return undefined;
  }
}

/** The service's name for the default file name: OTEL_SERVICE_NAME, the resource's service.name, else the script's. */
function serviceForFileName(env: NodeJS.ProcessEnv): string {
  const fromResource = /(?:^|,)\s*service\.name\s*=\s*([^,]+)/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1];
  const script = process.argv[1] === undefined ? undefined : basename(process.argv[1], extname(process.argv[1]));
  const name = env.OTEL_SERVICE_NAME?.trim() || fromResource?.trim() || script || 'app';
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The trace file when none is configured: a file of its own, so records never mix into the app's stdout. */
function defaultOutput(): string | undefined {
  if (resolveConfig({}).output !== undefined) return undefined;
  const output = `traces/${serviceForFileName(process.env)}-{date}.jsonl`;
  console.error(`aitrace: writing traces to ${output} ({date} is today, UTC); set AITRACE_OUTPUT to choose the file, or AITRACE_OUTPUT=- for stdout`);
  return output;
}

async function start(): Promise<void> {
  let autoEntry: string;
  let sdkNodeEntry: string;
  try {
    autoEntry = require.resolve('@opentelemetry/auto-instrumentations-node');
    sdkNodeEntry = require.resolve('@opentelemetry/sdk-node');
  } catch {
    throw new Error(
      '@aitrace/otel/register needs @opentelemetry/sdk-node and @opentelemetry/auto-instrumentations-node; install them with: npm install @opentelemetry/sdk-node @opentelemetry/auto-instrumentations-node',
    );
  }
  // ESM apps need the import-in-the-middle loader hook so named imports of instrumented modules are patched.
  const hook = resolveFrom(autoEntry, '@opentelemetry/instrumentation/hook.mjs');
  if (hook !== undefined) registerLoader(pathToFileURL(hook).href);

  const sdkNode = await import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
  const output = defaultOutput();
  const aitrace = createAitrace(output === undefined ? {} : { output });
  const extra = envPipelines(sdkNode as unknown as NodeSdkModule, sdkNodeEntry);
  for (const problem of extra.problems) console.error(`aitrace: ${problem}`);
  const sdk = new sdkNode.NodeSDK({
    spanProcessors: [aitrace.spanProcessor, ...extra.spanProcessors],
    logRecordProcessors: [aitrace.logRecordProcessor, ...extra.logRecordProcessors],
    // Metrics go out only when asked for (the SDK alone would default to OTLP on localhost).
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    // The fs instrumentation would trace the trace writer's own file writes.
    instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
  });
  sdk.start();
  const exporters = [...extra.spanProcessors, ...extra.logRecordProcessors];
  if (exporters.length > 0) flushAtExit(exporters);
}

/**
 * Batching exporters hold spans in memory; send them before the process ends (beforeExit, SIGINT/SIGTERM via the
 * exit hooks). They are flushed, not shut down, so an app that works on after beforeExit is still traced.
 */
function flushAtExit(processors: readonly { forceFlush(): Promise<void> }[]): void {
  const flush = (): Promise<void> =>
    Promise.all(processors.map((processor) => processor.forceFlush())).then(
      () => undefined,
      (error: unknown) => reportError(error, 'flushing the OTEL_*_EXPORTER exporters'),
    );
  // beforeExit fires again after the flush's network I/O; a second flush finds nothing and lets the process end.
  process.on('beforeExit', () => void flush());
  trackExit({ flush, flushSync: () => undefined, hasPending: () => false });
}

try {
  await start();
} catch (error) {
  const required = parseBooleanText(process.env.AITRACE_REQUIRED ?? '') === true;
  console.error(
    `aitrace: tracing is off: ${error instanceof Error ? error.message : String(error)}${required ? '; AITRACE_REQUIRED is set, so the app does not start' : ''}`,
  );
  if (required) process.exit(1);
}
