import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { TraceRecordLogExporter } from './TraceRecordLogExporter.js';

/**
 * Hands each emitted log record straight to a TraceRecordLogExporter. The exporter's writer already queues and
 * batches, so no second queue is needed; its constructor is the same on every sdk-logs release.
 */
export class TraceRecordLogProcessor implements LogRecordProcessor {
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    /** The exporter that encodes and queues records. */
    readonly exporter: TraceRecordLogExporter,
  ) {}

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    if (this.shutdownPromise !== undefined) return;
    this.exporter.export([logRecord], () => undefined);
  }

  /** Resolves when every emitted record is written. */
  forceFlush(): Promise<void> {
    return this.exporter.forceFlush();
  }

  /** Flushes and shuts the exporter down; idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.exporter.shutdown();
    return this.shutdownPromise;
  }
}
