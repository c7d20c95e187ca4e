import { copyData } from '../copyOwn.js';
import { levelFromSeverity, parseLevel } from '../levels.js';
import { defineData } from '../safeJson.js';
import { formatHrTime } from '../timestamp.js';
import type { TracerMeta } from '../types.js';
import { codeLocation, resourceMeta, scopeMeta } from './otelRules.js';
import type { LogInput } from './TelemetryInput.js';

/** Attribute set by aitrace's developer-API logger: the record's fields are the (object) body. */
export const FIELDS_IN_BODY = 'aitrace.fields_in_body';

/** The attribute of the OpenTelemetry events convention that names a log's event (older SDKs, instrumentations). */
export const EVENT_NAME_ATTRIBUTE = 'event.name';

/** A log record as the parts of an aitrace record. */
export interface LogRecordParts {
  meta: TracerMeta;
  data: Record<string, unknown>;
}

/** Reads a field of an object an app handed over, without letting a throwing getter escape. */
function field(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A string that can name the event: not empty, and within the string limit (a longer body stays data). */
function isEventName(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value !== '' && value.length <= maxLength;
}

/**
 * The event of a log record: its `eventName`, else its `event.name` attribute, else a string body, else the
 * `event`, `msg` or `message` field of an object body, else the severity text, else `log`.
 */
function eventOf(log: LogInput, maxLength: number): { event: string; bodyIsEvent: boolean } {
  if (isEventName(log.eventName, maxLength)) return { event: log.eventName, bodyIsEvent: false };
  const attribute = log.attributes[EVENT_NAME_ATTRIBUTE];
  if (isEventName(attribute, maxLength)) return { event: attribute, bodyIsEvent: false };
  const body = log.body;
  if (isEventName(body, maxLength)) return { event: body, bodyIsEvent: true };
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of ['event', 'msg', 'message']) {
      const value = field(body, key);
      if (isEventName(value, maxLength)) return { event: value, bodyIsEvent: false };
    }
  }
  return { event: isEventName(log.severityText, maxLength) ? log.severityText : 'log', bodyIsEvent: false };
}

/**
 * Maps one log record to an aitrace record's metadata and user data: event name, severity, span link,
 * call site, resource and scope; the body is the event (a string), kept whole under `body`, or, for the
 * developer-API logger, the record's fields. `pid` is the writer's process id when the resource has none.
 */
export function logRecordParts(log: LogInput, maxStringLength: number, pid?: number): LogRecordParts {
  const { event, bodyIsEvent } = eventOf(log, maxStringLength);
  const meta: TracerMeta = { timestamp: formatHrTime(log.time), event, type: 'log' };
  if (log.traceId) meta.trace_id = log.traceId;
  if (log.spanId) meta.span_id = log.spanId;
  const severityNumber = typeof log.severityNumber === 'number' ? log.severityNumber : undefined;
  const severityText = typeof log.severityText === 'string' && log.severityText !== '' ? log.severityText : undefined;
  const level =
    (severityNumber !== undefined ? levelFromSeverity(severityNumber) : undefined) ?? (severityText !== undefined ? parseLevel(severityText) : undefined);
  if (level !== undefined) meta.level = level;
  if (severityNumber !== undefined && levelFromSeverity(severityNumber) !== undefined) meta.severity_number = severityNumber;
  if (severityText !== undefined && severityText !== level) meta.severity_text = severityText;
  Object.assign(meta, codeLocation(log.attributes));
  const origin = resourceMeta(log.resource);
  if (origin.service !== undefined) meta.service = origin.service;
  if (origin.resource !== undefined) meta.resource = origin.resource;
  Object.assign(meta, scopeMeta(log.scope));
  const recordPid = origin.pid ?? pid;
  if (recordPid !== undefined) meta.pid = recordPid;

  const attributes = log.attributes;
  let data: Record<string, unknown>;
  if (attributes[FIELDS_IN_BODY] === true && isPlainObject(log.body)) {
    // The developer-API logger passes its fields in the body, where the SDK keeps any value as it is.
    data = copyData(log.body);
    for (const key of Object.keys(attributes)) {
      if (!key.startsWith('code.') && key !== FIELDS_IN_BODY && field(data, key) === undefined) defineData(data, key, attributes[key]);
    }
  } else if (!bodyIsEvent && log.body !== undefined && log.body !== null) {
    let key = 'body';
    while (key in attributes) key = `_${key}`;
    data = copyData(attributes);
    defineData(data, key, log.body);
  } else {
    data = attributes as Record<string, unknown>;
  }
  return { meta, data };
}
