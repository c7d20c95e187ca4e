import { META_KEY } from '../version.js';
import type { OtlpConversion } from './OtlpConversion.js';
import { otlpLogsRequestToRecords } from './otlpLogsRequestToRecords.js';
import { otlpTraceRequestToRecords } from './otlpTraceRequestToRecords.js';

/** The records of one OTLP JSON Lines line, and why the parts that could not be read were left out. */
export interface OtlpLineConversion extends OtlpConversion {
  /** What was left out of the line, in one sentence (rejected items, metrics), or undefined. */
  problem?: string;
}

/**
 * Reads a parsed JSON line as the OpenTelemetry Collector's file exporter writes it (one ExportTraceServiceRequest
 * or ExportLogsServiceRequest, or a metrics request, per line). Returns undefined when the value is not such a
 * request (an aitrace record, say), so readers detect the format per line.
 */
export function otlpJsonLineToRecords(value: unknown): OtlpLineConversion | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (object[META_KEY] !== undefined) return undefined;
  let conversion: OtlpConversion;
  if (Array.isArray(object.resourceSpans)) conversion = otlpTraceRequestToRecords(object);
  else if (Array.isArray(object.resourceLogs)) conversion = otlpLogsRequestToRecords(object);
  else if (Array.isArray(object.resourceMetrics))
    return { records: [], rejected: 0, errors: [], problem: 'an OTLP metrics request: aitrace reads traces and logs only, so it was skipped' };
  else return undefined;
  if (conversion.rejected === 0) return conversion;
  const noun = Array.isArray(object.resourceSpans) ? 'span(s)' : 'log record(s)';
  return { ...conversion, problem: `OTLP request: ${conversion.rejected} ${noun} left out: ${conversion.errors.join('; ')}` };
}
