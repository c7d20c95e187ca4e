/**
 * Preload entry: `AITRACE_OUTPUT=trace.jsonl node --import @aitrace/otel/register app.js` traces an unmodified
 * app with the standard Node auto-instrumentations. Needs `@opentelemetry/sdk-node` and
 * `@opentelemetry/auto-instrumentations-node` installed next to it. OTEL_* variables are honoured.
 */
import { createRequire, register as registerLoader } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createAitrace } from './createAitrace.js';

const require = createRequire(import.meta.url);

function resolveFrom(from: string, specifier: string): string | undefined {
  try {
    return createRequire(from).resolve(specifier);
  } catch {
    return undefined;
  }
}

async function start(): Promise<void> {
  let autoEntry: string;
  try {
    autoEntry = require.resolve('@opentelemetry/auto-instrumentations-node');
    require.resolve('@opentelemetry/sdk-node');
  } catch {
    console.error('aitrace: @aitrace/otel/register needs @opentelemetry/sdk-node and @opentelemetry/auto-instrumentations-node; install them with: npm install @opentelemetry/sdk-node @opentelemetry/auto-instrumentations-node');
    return;
  }
  // ESM apps need the import-in-the-middle loader hook so named imports of instrumented modules are patched.
  const hook = resolveFrom(autoEntry, '@opentelemetry/instrumentation/hook.mjs');
  if (hook !== undefined) registerLoader(pathToFileURL(hook).href);

  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
  const aitrace = createAitrace();
  const sdk = new NodeSDK({
    spanProcessors: [aitrace.spanProcessor],
    logRecordProcessors: [aitrace.logRecordProcessor],
    // The fs instrumentation would trace the trace writer's own file writes.
    instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
  });
  sdk.start();
}

try {
  await start();
} catch (error) {
  console.error(`aitrace: tracing is off: ${error instanceof Error ? error.message : String(error)}`);
}
