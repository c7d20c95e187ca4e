import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_VALUE_LIMITS, encodeRecord, formatHrTime, levelFromSeverity, parseLevel, type TracerMeta, type ValueLimits } from '@aitrace/format';
import { createScrubber, createWriter, resolveConfig, type AitraceOptions } from './AitraceOptions.js';
import type { Scrubber } from './Scrubber.js';
import { readOwn, setOwn, shallowCopy } from './ownProperties.js';
import { reportError } from './reportError.js';
import type { RecordWriter } from './RecordWriter.js';
import { codeLocation, serviceName } from './spanMeta.js';

// Log record fields that differ between sdk-logs releases; read defensively.
interface LogCompat {
  eventName?: string;
  instrumentationScope?: { name: string; version?: string };
  instrumentationLibrary?: { name: string; version?: string };
}

/** Attribute set by the developer-API logger: the record's fields are the (object) body. */
export const FIELDS_IN_BODY = 'aitrace.fields_in_body';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A string that can name the event: not empty, and within the string limit (a longer body stays data). */
function isEventName(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value !== '' && value.length <= maxLength;
}

/** The event name of a log record: its eventName, a string body, or a name-like field of an object body. */
function eventOf(log: ReadableLogRecord, maxLength: number): { event: string; bodyIsEvent: boolean } {
  const eventName = (log as unknown as LogCompat).eventName;
  if (isEventName(eventName, maxLength)) return { event: eventName, bodyIsEvent: false };
  const body = log.body;
  if (isEventName(body, maxLength)) return { event: body, bodyIsEvent: true };
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of ['event', 'msg', 'message']) {
      const field = readOwn(body, key);
      if (isEventName(field, maxLength)) return { event: field, bodyIsEvent: false };
    }
  }
  return { event: log.severityText ?? 'log', bodyIsEvent: false };
}

/**
 * An sdk-logs LogRecordExporter that writes each log record as one aitrace record, linked to its span.
 * Use it with SimpleLogRecordProcessor or BatchLogRecordProcessor.
 */
export class TraceRecordLogExporter implements LogRecordExporter {
  /** The writer this exporter sends records to. */
  readonly writer: RecordWriter;
  private readonly compatMode: boolean;
  private readonly limits: ValueLimits;
  private readonly scrubber: Scrubber;
  private readonly pid = process.pid;
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: AitraceOptions = {}) {
    const config = resolveConfig(options);
    this.writer = createWriter(options, config).retain();
    this.compatMode = config.compatMode;
    this.limits = options.limits ?? DEFAULT_VALUE_LIMITS;
    this.scrubber = createScrubber(options, config);
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownPromise !== undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('aitrace: the log exporter is shut down') });
      return;
    }
    try {
      for (const log of logs) this.writer.write(this.encode(log));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      reportError(error, 'log export');
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  private encode(log: ReadableLogRecord): string {
    const { event, bodyIsEvent } = eventOf(log, this.limits.maxStringLength);
    const meta: TracerMeta = { timestamp: formatHrTime(log.hrTime), event, type: 'log' };
    const context = log.spanContext;
    if (context !== undefined) {
      meta.trace_id = context.traceId;
      meta.span_id = context.spanId;
    }
    const level = (log.severityNumber !== undefined ? levelFromSeverity(log.severityNumber) : undefined) ??
      (log.severityText !== undefined ? parseLevel(log.severityText) : undefined);
    if (level !== undefined) meta.level = level;
    if (log.severityNumber !== undefined && log.severityNumber > 0) meta.severity_number = log.severityNumber;
    if (log.severityText !== undefined && log.severityText !== level) meta.severity_text = log.severityText;
    Object.assign(meta, codeLocation(log.attributes as Attributes));
    const service = serviceName(log.resource);
    if (service !== undefined) meta.service = service;
    const compat = log as unknown as LogCompat;
    const scope = compat.instrumentationScope ?? compat.instrumentationLibrary;
    if (scope !== undefined) {
      meta.scope = scope.name;
      if (scope.version) meta.scope_version = scope.version;
    }
    meta.pid = this.pid;
    let data: Record<string, unknown> = log.attributes;
    if (data[FIELDS_IN_BODY] === true && isPlainObject(log.body)) {
      // The developer-API logger passes its fields in the body, where the SDK keeps any value as it is.
      data = shallowCopy(log.body);
      for (const key of Object.keys(log.attributes)) {
        if (!key.startsWith('code.') && key !== FIELDS_IN_BODY && readOwn(data, key) === undefined) setOwn(data, key, log.attributes[key]);
      }
    } else if (!bodyIsEvent && log.body !== undefined && log.body !== null) {
      let key = 'body';
      while (key in data) key = `_${key}`;
      data = shallowCopy(data);
      setOwn(data, key, log.body);
    }
    const scrubbedData = this.scrubber.scrub(data);
    meta.scrubbed = this.scrubber.scrubbed;
    return encodeRecord(meta, scrubbedData, { compatMode: this.compatMode, limits: this.limits });
  }

  /** Resolves when every record exported so far is written. */
  forceFlush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes and closes; later exports fail without writing. Safe to call more than once. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.writer.close();
    return this.shutdownPromise;
  }
}
