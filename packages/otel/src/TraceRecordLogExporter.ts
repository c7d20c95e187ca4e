import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_VALUE_LIMITS, encodeRecord, logRecordParts, type ValueLimits } from '@aitrace/format';
import { createScrubber, createWriter, resolveConfig, type AitraceOptions } from './AitraceOptions.js';
import type { Scrubber } from './Scrubber.js';
import { reportError } from './reportError.js';
import type { RecordWriter } from './RecordWriter.js';
import { sdkLogInput } from './sdkLogInput.js';

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
    const { meta, data } = logRecordParts(sdkLogInput(log), this.limits.maxStringLength, this.pid);
    const scrubbed = this.scrubber.scrub(data);
    meta.scrubbed = this.scrubber.scrubbed;
    return encodeRecord(meta, scrubbed, { compatMode: this.compatMode, limits: this.limits });
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
