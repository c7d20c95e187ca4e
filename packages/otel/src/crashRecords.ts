import { trace } from '@opentelemetry/api';
import { encodeRecord, formatEpochMicros, type TracerMeta, type ValueLimits } from '@aitrace/format';
import { onCrash } from './exitHooks.js';
import type { RecordWriter } from './RecordWriter.js';

/** How a crash record is encoded for one writer. */
export interface CrashRecordOptions {
  compatMode: boolean;
  limits: ValueLimits;
}

const recorders = new Map<RecordWriter, CrashRecordOptions>();
let listening = false;

/** The exception record of an uncaught exception or unhandled rejection, linked to the span active when it happened. */
export function encodeCrashRecord(error: unknown, origin: string, options: CrashRecordOptions, nowUs: number = Date.now() * 1000): string {
  const context = trace.getActiveSpan()?.spanContext();
  const meta: TracerMeta = { timestamp: formatEpochMicros(nowUs), event: 'exception', type: 'log', level: 'fatal', severity_number: 21, pid: process.pid };
  if (context !== undefined) {
    meta.trace_id = context.traceId;
    meta.span_id = context.spanId;
  }
  const isError = error instanceof Error;
  const data = {
    'exception.type': isError ? error.name : typeof error,
    'exception.message': isError ? error.message : String(error),
    ...(isError && error.stack !== undefined ? { 'exception.stacktrace': error.stack } : {}),
    'exception.escaped': true,
    // Node's name for how the error escaped: uncaughtException or unhandledRejection.
    'aitrace.crash': origin,
  };
  return encodeRecord(meta, data, options);
}

function writeCrashRecords(error: unknown, origin: string): void {
  for (const [writer, options] of recorders) writer.write(encodeCrashRecord(error, origin, options));
}

/**
 * Writes an exception record to `writer` when the process dies of an uncaught exception or unhandled rejection,
 * before the exit flush, so the file says why its spans were cut off. Once per writer; returns the undo.
 */
export function recordCrashes(writer: RecordWriter, options: CrashRecordOptions): () => void {
  if (!listening) {
    listening = true;
    onCrash(writeCrashRecords);
  }
  recorders.set(writer, options);
  return () => void recorders.delete(writer);
}
