import { createRequire } from 'node:module';
import * as api from '@opentelemetry/api';
import { FIELDS_IN_BODY, LEVEL_NAMES, severityFromLevel, type LevelName } from '@aitrace/format';
import { captureCallSite } from '../callSite.js';
import { Scrubber, type ScrubOptions } from '../Scrubber.js';
import { addCallSiteAttributes, wantsCallSite } from './callSites.js';

/** A structured logger whose records are OpenTelemetry log records linked to the active span. */
export interface Logger {
  readonly name: string;
  trace(event: string, fields?: Record<string, unknown>): void;
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  fatal(event: string, fields?: Record<string, unknown>): void;
  /** Logs at a level given at run time. */
  log(level: LevelName, event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every record (the record's own fields win). */
  child(bindings: Record<string, unknown>): Logger;
}

/** Options for `getLogger`. */
export interface LoggerOptions {
  /** Fields added to every record. */
  bindings?: Record<string, unknown>;
  /** Record the caller's file/line/function (default true, or `AITRACE_CAPTURE_CALL_SITE`): a few stack frames read per call. */
  captureCallSite?: boolean;
  /** Scrubbing of the fields (default: the built-in sensitive keys). */
  scrub?: ScrubOptions;
}

interface LogsApi {
  getLogger(name: string): { emit(record: Record<string, unknown>): void };
  getLoggerProvider(): object;
}

let logsApi: LogsApi | undefined;

/** The logs API: part of @opentelemetry/api from 1.10, @opentelemetry/api-logs before that. */
function getLogsApi(): LogsApi {
  if (logsApi !== undefined) return logsApi;
  const fromApi = (api as unknown as { logs?: LogsApi }).logs;
  logsApi = fromApi ?? (createRequire(import.meta.url)('@opentelemetry/api-logs') as { logs: LogsApi }).logs;
  return logsApi;
}

let warnedNoProvider = false;

/**
 * Without a registered LoggerProvider the logs API drops every record; say so once, with what to register. (Until
 * one is registered, the API hands out a proxy provider that has no delegate, or a no-op provider.)
 */
function warnIfNoProvider(name: string): void {
  if (warnedNoProvider) return;
  const provider = getLogsApi().getLoggerProvider() as { _getDelegateLogger?: (name: string) => unknown; constructor: { name: string } };
  const unregistered =
    provider.constructor.name === 'NoopLoggerProvider' ||
    (typeof provider._getDelegateLogger === 'function' && provider._getDelegateLogger(name) === undefined);
  if (!unregistered) return;
  warnedNoProvider = true;
  api.diag.warn(
    `aitrace: getLogger(${JSON.stringify(name)}): no OpenTelemetry LoggerProvider is registered, so its records go nowhere; pass aitrace's logRecordProcessor to NodeSDK (logRecordProcessors) or call logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [aitrace.logRecordProcessor] }))`,
  );
}

/**
 * A structured logger: `getLogger('batch').info('batch_started', { batch_id: 1, count: 3 })`. Each call emits an
 * OpenTelemetry log record (event name, severity, the fields as data, the caller's file and line) linked to the
 * active span; the fields keep nested values and are scrubbed of secrets.
 */
export function getLogger(name = 'app', options: LoggerOptions = {}): Logger {
  const bindings = options.bindings ?? {};
  const capture = wantsCallSite(options.captureCallSite);
  const scrubber = new Scrubber(options.scrub);
  let otelLogger: ReturnType<LogsApi['getLogger']> | undefined;

  const log = (level: LevelName, event: string, fields?: Record<string, unknown>): void => {
    try {
      if (otelLogger === undefined) {
        warnIfNoProvider(name);
        otelLogger = getLogsApi().getLogger(name);
      }
      const attributes: Record<string, unknown> = { [FIELDS_IN_BODY]: true };
      if (capture) {
        const site = captureCallSite();
        if (site !== undefined) addCallSiteAttributes(site, attributes);
      }
      otelLogger.emit({
        eventName: event,
        severityNumber: severityFromLevel(level),
        severityText: level.toUpperCase(),
        body: scrubber.scrub({ ...bindings, ...fields }),
        attributes,
        context: api.context.active(),
      });
    } catch (error) {
      api.diag.error(`aitrace: logger ${name}: could not emit ${event}`, error);
    }
  };

  const logger = { name, log, child: (more: Record<string, unknown>) => getLogger(name, { ...options, bindings: { ...bindings, ...more } }) } as Logger;
  for (const level of LEVEL_NAMES)
    (logger as unknown as Record<string, unknown>)[level] = (event: string, fields?: Record<string, unknown>) => log(level, event, fields);
  return logger;
}
