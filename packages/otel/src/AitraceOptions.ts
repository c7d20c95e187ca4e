import type { Writable } from 'node:stream';
import { ConfigError, getConfigOverrides, loadConfig, type AitraceConfig, type LoadConfigOptions } from '@aitrace/format/config';
import type { ValueLimits } from '@aitrace/format';
import { RecordWriter } from './RecordWriter.js';
import { Scrubber, type ScrubOptions } from './Scrubber.js';
import { FileSink } from './sinks/FileSink.js';
import { RotatingFileSink } from './sinks/RotatingFileSink.js';
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
  /** Hide credentials in attribute and log values (default on: credential key names and secret-shaped strings); `false` turns it off. */
  scrub?: ScrubOptions | false;
  /** Limits on user values (string length, nesting depth). */
  limits?: ValueLimits;
  /** Share one writer between a span processor and a log exporter (as `createAitrace` does). */
  writer?: RecordWriter;
  /** Where to read configuration from; `false` ignores the environment and config files. */
  config?: LoadConfigOptions | false;
}

// Every option name in code; the record type makes the compiler ask for a new option to be listed here.
const OPTION_NAMES: Readonly<Record<keyof AitraceOptions, true>> = {
  output: true,
  compatMode: true,
  sync: true,
  flushIntervalMs: true,
  maxQueueSize: true,
  maxFileSize: true,
  maxFiles: true,
  scrub: true,
  limits: true,
  writer: true,
  config: true,
};
/** Options of the span processor alone (TraceRecordSpanProcessorOptions), accepted wherever options are checked. */
const PROCESSOR_OPTION_NAMES = ['captureStack'];
const KNOWN_OPTIONS = new Set([...Object.keys(OPTION_NAMES), ...PROCESSOR_OPTION_NAMES]);

/** The known name closest to a mistyped one (at most two edits away), for the error message. */
function closestOption(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of KNOWN_OPTIONS) {
    const distance = editDistance(name.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Throws a ConfigError naming the first option that aitrace does not know (a typo would otherwise be ignored). */
export function checkOptionNames(options: object): void {
  for (const name of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(name)) continue;
    const guess = closestOption(name);
    throw new ConfigError(
      'code',
      name,
      `is not an aitrace option${guess === undefined ? '' : ` (did you mean ${guess}?)`}; the options are ${[...KNOWN_OPTIONS].join(', ')}`,
    );
  }
}

/** The configuration after options, environment, config file and defaults are merged. */
export function resolveConfig(options: AitraceOptions): AitraceConfig {
  checkOptionNames(options);
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
  try {
    const file = new FileSink(config.output);
    return config.maxFileSize === undefined ? file : new RotatingFileSink(file, { maxFileSize: config.maxFileSize, maxFiles: config.maxFiles });
  } catch (error) {
    throw new ConfigError(
      outputSource(options, config.output),
      'output',
      `cannot open the trace file ${JSON.stringify(config.output)}: ${fileErrorReason(error)}`,
    );
  }
}

/** Where the output path came from, for an error a user can act on. */
function outputSource(options: AitraceOptions, output: string): string {
  if (typeof options.output === 'string') return 'code';
  const env = options.config === false ? {} : (options.config?.env ?? process.env);
  return env.AITRACE_OUTPUT === output ? 'AITRACE_OUTPUT' : 'config file';
}

function fileErrorReason(error: unknown): string {
  const { code, path, message } = error as NodeJS.ErrnoException;
  const at = path === undefined ? '' : ` (${path})`;
  if (code === 'EEXIST' || code === 'ENOTDIR') return `a part of the path is a file, not a directory${at}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied${at}`;
  if (code === 'EROFS') return `read-only file system${at}`;
  if (code === 'EISDIR') return 'the path is a directory; name a file in it, e.g. trace.jsonl';
  return message;
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

/** The scrubber the options ask for; the configured safe keys add to those given in code. */
export function createScrubber(options: AitraceOptions, config: Pick<AitraceConfig, 'scrubSafeKeys'>): Scrubber {
  if (options.scrub === false) return new Scrubber({ enabled: false });
  const safeKeys = [...config.scrubSafeKeys, ...(options.scrub?.safeKeys ?? [])];
  return new Scrubber(safeKeys.length === 0 ? options.scrub : { ...options.scrub, safeKeys });
}
