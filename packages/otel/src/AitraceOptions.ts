import type { Writable } from 'node:stream';
import { getConfigOverrides, loadConfig, type AitraceConfig, type LoadConfigOptions } from '@aitrace/format/config';
import type { ValueLimits } from '@aitrace/format';
import { RecordWriter } from './RecordWriter.js';
import { Scrubber, type ScrubOptions } from './Scrubber.js';
import { FileSink } from './sinks/FileSink.js';
import type { Sink } from './sinks/Sink.js';
import { StreamSink } from './sinks/StreamSink.js';

/**
 * Options shared by the span processor, the log exporter and `createAitrace`. Every value left out comes from
 * the `AITRACE_*` environment variables, then the config file (aitrace.yaml / aitrace.toml), then the defaults.
 */
export interface AitraceOptions {
  /** A file path (templates `{pid}`, `{date}`, `{time}`, `{hostname}`), a Writable, or a Sink. Default: `AITRACE_OUTPUT`, else stdout. */
  output?: string | Writable | Sink;
  /** Also write `timestamp` at the top level (default false; `AITRACE_COMPAT_MODE`). */
  compatMode?: boolean;
  /** Write every record before the call returns (default false; `AITRACE_SYNC`). */
  sync?: boolean;
  /** Longest wait before a record is written in the default asynchronous mode, ms (default 100). */
  flushIntervalMs?: number;
  /** Most records waiting in memory; more are dropped and counted (default 65,536). */
  maxQueueSize?: number;
  /** Rotate the output file past this size: bytes, or a string like `"10MB"` (default: no rotation). */
  maxFileSize?: number | string;
  /** Rotated files kept (default 5). */
  maxFiles?: number;
  /** Hide sensitive attribute and log values (default on, with the built-in key patterns); `false` turns it off. */
  scrub?: ScrubOptions | false;
  /** Limits on user values (string length, nesting depth). */
  limits?: ValueLimits;
  /** Share one writer between a span processor and a log exporter (as `createAitrace` does). */
  writer?: RecordWriter;
  /** Where to read configuration from; `false` ignores the environment and config files. */
  config?: LoadConfigOptions | false;
}

/** The configuration after options, environment, config file and defaults are merged. */
export function resolveConfig(options: AitraceOptions): AitraceConfig {
  // Values set in code (setCompatMode, setConfig) apply to every writer; options win over them. All are checked like
  // environment and file values: a bad one throws a ConfigError naming the option.
  const overrides: Record<string, unknown> = getConfigOverrides();
  if (options.compatMode !== undefined) overrides.compatMode = options.compatMode;
  if (options.sync !== undefined) overrides.sync = options.sync;
  if (options.flushIntervalMs !== undefined) overrides.flushIntervalMs = options.flushIntervalMs;
  if (options.maxQueueSize !== undefined) overrides.maxQueueSize = options.maxQueueSize;
  if (options.maxFileSize !== undefined) overrides.maxFileSize = options.maxFileSize;
  if (options.maxFiles !== undefined) overrides.maxFiles = options.maxFiles;
  if (typeof options.output === 'string') overrides.output = options.output;
  const source = options.config === false ? { env: {}, configFile: false as const } : (options.config ?? {});
  return loadConfig({ ...source, overrides }).config;
}

function isSink(value: unknown): value is Sink {
  return typeof value === 'object' && value !== null && typeof (value as Sink).writeSync === 'function' && typeof (value as Sink).closeSync === 'function';
}

/** Builds the sink the options name: a file sink for a path, a stream sink for a Writable, stdout by default. */
export function createSink(options: AitraceOptions, config: AitraceConfig): Sink {
  if (isSink(options.output)) return options.output;
  if (options.output !== undefined && typeof options.output !== 'string') return new StreamSink(options.output);
  if (config.output === undefined || config.output === '-') return new StreamSink(process.stdout);
  return new FileSink(config.output, { maxFileSize: config.maxFileSize, maxFiles: config.maxFiles });
}

/** The shared writer from the options, or a new one for the resolved configuration. */
export function createWriter(options: AitraceOptions, config: AitraceConfig): RecordWriter {
  if (options.writer !== undefined) return options.writer;
  return new RecordWriter(createSink(options, config), {
    sync: config.sync,
    flushIntervalMs: config.flushIntervalMs,
    maxQueueSize: config.maxQueueSize,
  });
}

/** The scrubber the options ask for. */
export function createScrubber(options: AitraceOptions): Scrubber {
  return new Scrubber(options.scrub === false ? { enabled: false } : options.scrub);
}
