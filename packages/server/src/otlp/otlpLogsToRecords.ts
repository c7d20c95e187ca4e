import { formatEpochMicros, levelFromSeverity, parseLevel, type TracerMeta } from '@aitrace/format';
import { OtlpCollector, OtlpFormatError, type OtlpConversion } from './OtlpConversion.js';
import { anyValue, asArray, asObject, codeLocation, keyValues, nanosToMicros, otlpId, resourceMeta, scopeMeta } from './otlpValue.js';

/** The event name of a log: its eventName, a string body, or a name-like field of an object body. */
function eventOf(log: Record<string, unknown>, body: unknown): { event: string; bodyIsEvent: boolean } {
  if (typeof log.eventName === 'string' && log.eventName !== '') return { event: log.eventName, bodyIsEvent: false };
  if (typeof body === 'string' && body !== '') return { event: body, bodyIsEvent: true };
  const fields = asObject(body);
  for (const key of ['event', 'msg', 'message']) {
    const value = fields?.[key];
    if (typeof value === 'string' && value !== '') return { event: value, bodyIsEvent: false };
  }
  return { event: typeof log.severityText === 'string' && log.severityText !== '' ? log.severityText : 'log', bodyIsEvent: false };
}

/**
 * Converts an OTLP/JSON ExportLogsServiceRequest into aitrace log records, linked to their span when the
 * log carries trace and span ids. A body that is not an export request throws OtlpFormatError.
 */
export function otlpLogsToRecords(body: unknown): OtlpConversion {
  const request = asObject(body);
  const resourceLogs = asArray(request?.resourceLogs);
  if (request === undefined || resourceLogs === undefined) throw new OtlpFormatError('expected an ExportLogsServiceRequest: a JSON object with a "resourceLogs" array');
  const out = new OtlpCollector();
  for (const resourceItem of resourceLogs) {
    const resource = asObject(resourceItem);
    const fromResource = resourceMeta(resource?.resource);
    for (const scopeItem of asArray(resource?.scopeLogs) ?? []) {
      const scopeLogs = asObject(scopeItem);
      const fromScope = scopeMeta(scopeLogs?.scope);
      for (const logItem of asArray(scopeLogs?.logRecords) ?? []) {
        const log = asObject(logItem);
        if (log === undefined) out.reject('a log record is not an object');
        else convertLog(log, { ...fromResource, ...fromScope }, out);
      }
    }
  }
  return out;
}

function convertLog(log: Record<string, unknown>, context: Partial<TracerMeta>, out: OtlpCollector): void {
  const timeUs = nanosToMicros(log.timeUnixNano) ?? nanosToMicros(log.observedTimeUnixNano);
  const traceId = otlpId(log.traceId, 16);
  const spanId = otlpId(log.spanId, 8);
  if (timeUs === undefined || traceId === undefined || spanId === undefined) {
    const problems = [
      timeUs === undefined ? 'timeUnixNano and observedTimeUnixNano are both missing' : '',
      traceId === undefined ? `traceId ${JSON.stringify(log.traceId)} is not 16 bytes in hex or base64` : '',
      spanId === undefined ? `spanId ${JSON.stringify(log.spanId)} is not 8 bytes in hex or base64` : '',
    ];
    out.reject(`log record: ${problems.filter((p) => p !== '').join('; ')}`);
    return;
  }
  const body = 'body' in log ? anyValue(log.body) : undefined;
  const { event, bodyIsEvent } = eventOf(log, body);
  const attributes = keyValues(log.attributes);
  const meta: TracerMeta = { timestamp: formatEpochMicros(timeUs), event, type: 'log' };
  if (traceId) meta.trace_id = traceId;
  if (spanId) meta.span_id = spanId;
  const severityNumber = typeof log.severityNumber === 'number' && log.severityNumber > 0 ? log.severityNumber : undefined;
  const severityText = typeof log.severityText === 'string' && log.severityText !== '' ? log.severityText : undefined;
  const level = (severityNumber !== undefined ? levelFromSeverity(severityNumber) : undefined) ?? (severityText !== undefined ? parseLevel(severityText) : undefined);
  if (level !== undefined) meta.level = level;
  if (severityNumber !== undefined) meta.severity_number = severityNumber;
  if (severityText !== undefined && severityText !== level) meta.severity_text = severityText;
  Object.assign(meta, codeLocation(attributes), context);
  let data = attributes;
  if (!bodyIsEvent && body !== undefined && body !== null) {
    let key = 'body';
    while (key in data) key = `_${key}`;
    data = { ...data, [key]: body };
  }
  out.add(meta, data);
}
