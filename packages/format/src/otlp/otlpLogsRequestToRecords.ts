import { DEFAULT_VALUE_LIMITS } from '../safeJson.js';
import { logRecordParts } from '../otel/logRecordParts.js';
import type { LogInput, ResourceInput, ScopeInput } from '../otel/TelemetryInput.js';
import { OtlpCollector, OtlpFormatError, type OtlpConversion } from './OtlpConversion.js';
import { anyValue, asArray, asObject, keyValues, nanosToHrTime, otlpId, otlpResource, otlpScope } from './otlpValue.js';

/** An OTLP LogRecord as the mapping's log, or the problems that make it unusable (no time, bad ids). */
export function otlpLogInput(log: Record<string, unknown>, resource: ResourceInput, scope: ScopeInput | undefined): LogInput | string[] {
  const time = nanosToHrTime(log.timeUnixNano) ?? nanosToHrTime(log.observedTimeUnixNano);
  const traceId = otlpId(log.traceId, 16);
  const spanId = otlpId(log.spanId, 8);
  if (time === undefined || traceId === undefined || spanId === undefined) {
    const problems = [
      time === undefined ? 'timeUnixNano and observedTimeUnixNano are both missing' : '',
      traceId === undefined ? `traceId ${JSON.stringify(log.traceId)} is not 16 bytes in hex or base64` : '',
      spanId === undefined ? `spanId ${JSON.stringify(log.spanId)} is not 8 bytes in hex or base64` : '',
    ];
    return problems.filter((p) => p !== '');
  }
  return {
    time,
    traceId: traceId || undefined,
    spanId: spanId || undefined,
    eventName: typeof log.eventName === 'string' ? log.eventName : undefined,
    severityNumber: typeof log.severityNumber === 'number' ? log.severityNumber : undefined,
    severityText: typeof log.severityText === 'string' ? log.severityText : undefined,
    body: 'body' in log ? anyValue(log.body) : undefined,
    attributes: keyValues(log.attributes),
    resource,
    scope,
  };
}

/**
 * Converts an OTLP ExportLogsServiceRequest (the OTLP/JSON object model) into aitrace log records, linked to
 * their span when the log carries trace and span ids. A value that is not an export request throws OtlpFormatError.
 */
export function otlpLogsRequestToRecords(request: unknown): OtlpConversion {
  const object = asObject(request);
  const resourceLogs = asArray(object?.resourceLogs);
  if (object === undefined || resourceLogs === undefined)
    throw new OtlpFormatError('expected an ExportLogsServiceRequest: a JSON object with a "resourceLogs" array');
  const out = new OtlpCollector();
  for (const resourceItem of resourceLogs) {
    const resourceLog = asObject(resourceItem);
    const resource = otlpResource(resourceLog?.resource);
    for (const scopeItem of asArray(resourceLog?.scopeLogs) ?? []) {
      const scopeLogs = asObject(scopeItem);
      const scope = otlpScope(scopeLogs?.scope);
      for (const logItem of asArray(scopeLogs?.logRecords) ?? []) {
        const log = asObject(logItem);
        const input = log === undefined ? ['is not an object'] : otlpLogInput(log, resource, scope);
        if (Array.isArray(input)) {
          out.reject(`log record: ${input.join('; ')}`);
          continue;
        }
        const { meta, data } = logRecordParts(input, DEFAULT_VALUE_LIMITS.maxStringLength);
        out.add(meta, data);
      }
    }
  }
  return out;
}
