import { DEFAULT_VALUE_LIMITS } from '@aitrace/format';
import { createWriter, resolveConfig } from './AitraceOptions.js';
import { recordCrashes } from './crashRecords.js';
import type { RecordWriter } from './RecordWriter.js';
import { TraceRecordLogExporter } from './TraceRecordLogExporter.js';
import { TraceRecordLogProcessor } from './TraceRecordLogProcessor.js';
import { TraceRecordSpanProcessor, type TraceRecordSpanProcessorOptions } from './TraceRecordSpanProcessor.js';

/** A span processor and a log record processor that write to the same trace file. */
export interface Aitrace {
  /** Pass to a tracer provider (`spanProcessors`) or NodeSDK (`spanProcessors`). */
  spanProcessor: TraceRecordSpanProcessor;
  /** Pass to a logger provider (`processors`) or NodeSDK (`logRecordProcessors`). */
  logRecordProcessor: TraceRecordLogProcessor;
  /** The log exporter inside `logRecordProcessor`, for a processor of your own choice. */
  logExporter: TraceRecordLogExporter;
  /** The shared writer (stats, flush). */
  writer: RecordWriter;
  /** Resolves when every accepted record is written. */
  forceFlush(): Promise<void>;
  /** Flushes and closes both; idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Creates the span processor and log processor for one trace output, configured from `options`, the
 * `AITRACE_*` environment and the config file; a crash of the process is written to the output as an
 * `exception` record before the exit flush:
 * `new NodeSDK({ spanProcessors: [a.spanProcessor], logRecordProcessors: [a.logRecordProcessor] })`.
 */
export function createAitrace(options: TraceRecordSpanProcessorOptions = {}): Aitrace {
  const config = resolveConfig(options);
  const writer = createWriter(options, config);
  const shared = { ...options, writer, compatMode: config.compatMode, config: false as const };
  const spanProcessor = new TraceRecordSpanProcessor(shared);
  const logExporter = new TraceRecordLogExporter(shared);
  const logRecordProcessor = new TraceRecordLogProcessor(logExporter);
  // A crash (uncaught exception, unhandled rejection) is written into the file before the exit flush.
  const stopRecordingCrashes = recordCrashes(writer, { compatMode: config.compatMode, limits: options.limits ?? DEFAULT_VALUE_LIMITS });
  let shutdownPromise: Promise<void> | undefined;
  return {
    spanProcessor,
    logRecordProcessor,
    logExporter,
    writer,
    forceFlush: () => writer.flush(),
    shutdown: () => {
      stopRecordingCrashes();
      shutdownPromise ??= Promise.all([spanProcessor.shutdown(), logRecordProcessor.shutdown()]).then(() => undefined);
      return shutdownPromise;
    },
  };
}
