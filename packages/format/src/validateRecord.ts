import { LEVEL_NAMES, RECORD_TYPES, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from './enumerations.js';
import { describe } from './normalizeRecord.js';
import { TIMESTAMP_PATTERN } from './timestamp.js';
import type { RecordProblem } from './types.js';
import { FORMAT_VERSION, META_KEY } from './version.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ENUMS: Readonly<Record<string, readonly string[]>> = { type: RECORD_TYPES, kind: SPAN_KIND_NAMES, status: STATUS_CODE_NAMES, level: LEVEL_NAMES };
const STRING_FIELDS = ['name', 'status_message', 'severity_text', 'file', 'function', 'service', 'scope', 'scope_version'];
const TIMESTAMP_HINT = 'UTC ISO-8601 with six fraction digits, like 2025-10-26T12:34:15.193415Z';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Checks a parsed record against TRACE_RECORD.md and returns every violation, each naming its field
 * (`__tracer_meta__.span_id`). An empty list means the record is valid.
 */
export function validateRecord(value: unknown): RecordProblem[] {
  if (!isObject(value)) return [{ field: '$', message: `a record must be a JSON object, got ${describe(value)}` }];
  const meta = value[META_KEY];
  if (meta === undefined) {
    return [
      { field: META_KEY, message: 'is missing: this is a v1 record (metadata at the top level) or not an aitrace record; `aitrace migrate` converts v1 files' },
    ];
  }
  if (!isObject(meta)) return [{ field: META_KEY, message: `must be an object, got ${describe(meta)}` }];

  const problems: RecordProblem[] = [];
  const fail = (field: string, message: string): void => {
    problems.push({ field: `${META_KEY}.${field}`, message });
  };

  const version = meta.format_version;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 2)) {
    fail('format_version', `must be an integer >= 2, got ${describe(version)}`);
  } else if (typeof version === 'number' && version > FORMAT_VERSION) {
    fail('format_version', `is ${version}, newer than this reader (${FORMAT_VERSION}); upgrade aitrace`);
  }

  if (meta.timestamp === undefined) fail('timestamp', 'is required');
  else if (typeof meta.timestamp !== 'string' || !TIMESTAMP_PATTERN.test(meta.timestamp)) {
    fail('timestamp', `must be ${TIMESTAMP_HINT}, got ${describe(meta.timestamp)}`);
  } else if (Number.isNaN(Date.parse(meta.timestamp))) fail('timestamp', `is not a real date: ${meta.timestamp}`);

  if (meta.event === undefined) fail('event', 'is required');
  else if (typeof meta.event !== 'string' || meta.event === '') fail('event', `must be a non-empty string, got ${describe(meta.event)}`);

  for (const [field, allowed] of Object.entries(ENUMS)) {
    const item = meta[field];
    if (item !== undefined && (typeof item !== 'string' || !allowed.includes(item))) {
      fail(field, `must be one of ${allowed.join(', ')}, got ${describe(item)}`);
    }
  }
  for (const field of STRING_FIELDS) {
    if (meta[field] !== undefined && typeof meta[field] !== 'string') fail(field, `must be a string, got ${describe(meta[field])}`);
  }

  checkId(meta, 'trace_id', TRACE_ID, '32 lower-case hex digits', fail);
  checkId(meta, 'span_id', SPAN_ID, '16 lower-case hex digits', fail);
  checkId(meta, 'parent_span_id', SPAN_ID, '16 lower-case hex digits', fail);

  const severity = meta.severity_number;
  if (severity !== undefined && (typeof severity !== 'number' || !Number.isInteger(severity) || severity < 1 || severity > 24)) {
    fail('severity_number', `must be an integer from 1 to 24, got ${describe(severity)}`);
  }
  for (const field of ['line', 'column']) {
    const item = meta[field];
    if (item !== undefined && (typeof item !== 'number' || !Number.isInteger(item) || item < 1))
      fail(field, `must be a positive integer, got ${describe(item)}`);
  }
  if (meta.pid !== undefined && !isCount(meta.pid)) fail('pid', `must be a non-negative integer, got ${describe(meta.pid)}`);
  if (meta.provisional !== undefined && typeof meta.provisional !== 'boolean') fail('provisional', `must be true or false, got ${describe(meta.provisional)}`);
  if (meta.start_time !== undefined && (typeof meta.start_time !== 'string' || !TIMESTAMP_PATTERN.test(meta.start_time))) {
    fail('start_time', `must be ${TIMESTAMP_HINT}, got ${describe(meta.start_time)}`);
  }
  const duration = meta.duration_ms;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0)) {
    fail('duration_ms', `must be a number >= 0, got ${describe(duration)}`);
  }
  if (meta.resource !== undefined && !isObject(meta.resource)) fail('resource', `must be an object of resource attributes, got ${describe(meta.resource)}`);
  checkLinks(meta.links, fail);
  checkDropped(meta.dropped, fail);
  checkScrubbed(meta.scrubbed, fail);
  checkSpanRecord(meta, fail);
  checkRenamed(value, meta.renamed, fail);

  if (meta.compat === true && value.timestamp !== meta.timestamp) {
    problems.push({ field: 'timestamp', message: 'compat mode: the top-level timestamp must equal __tracer_meta__.timestamp' });
  }
  if (meta.compat !== undefined && typeof meta.compat !== 'boolean') fail('compat', `must be true or false, got ${describe(meta.compat)}`);
  return problems;
}

type Fail = (field: string, message: string) => void;

function checkId(meta: Record<string, unknown>, field: string, pattern: RegExp, what: string, fail: Fail): void {
  const id = meta[field];
  if (id === undefined) return;
  if (typeof id !== 'string' || !pattern.test(id)) fail(field, `must be ${what}, got ${describe(id)}`);
  else if (/^0+$/.test(id)) fail(field, 'must not be all zeros (an invalid id in OpenTelemetry)');
}

function checkLinks(links: unknown, fail: Fail): void {
  if (links === undefined) return;
  if (!Array.isArray(links)) return fail('links', `must be an array, got ${describe(links)}`);
  links.forEach((link, i) => {
    if (!isObject(link)) return fail(`links[${i}]`, `must be an object, got ${describe(link)}`);
    checkId(link, 'trace_id', TRACE_ID, '32 lower-case hex digits', (field, message) => fail(`links[${i}].${field}`, message));
    checkId(link, 'span_id', SPAN_ID, '16 lower-case hex digits', (field, message) => fail(`links[${i}].${field}`, message));
    if (link.trace_id === undefined) fail(`links[${i}].trace_id`, 'is required');
    if (link.span_id === undefined) fail(`links[${i}].span_id`, 'is required');
    if (link.attributes !== undefined && !isObject(link.attributes)) fail(`links[${i}].attributes`, `must be an object, got ${describe(link.attributes)}`);
  });
}

function checkDropped(dropped: unknown, fail: Fail): void {
  if (dropped === undefined) return;
  if (!isObject(dropped)) return fail('dropped', `must be an object, got ${describe(dropped)}`);
  for (const [key, count] of Object.entries(dropped)) {
    if (!['attributes', 'events', 'links'].includes(key)) fail(`dropped.${key}`, 'is not a known count (attributes, events, links)');
    else if (!isCount(count)) fail(`dropped.${key}`, `must be a non-negative integer, got ${describe(count)}`);
  }
}

function checkScrubbed(scrubbed: unknown, fail: Fail): void {
  if (scrubbed === undefined) return;
  if (!isObject(scrubbed)) return fail('scrubbed', `must be an object of data path -> reason, got ${describe(scrubbed)}`);
  for (const [path, reason] of Object.entries(scrubbed)) {
    if (typeof reason !== 'string' || reason === '') fail(`scrubbed.${path}`, `must be a non-empty reason string, got ${describe(reason)}`);
  }
}

function checkSpanRecord(meta: Record<string, unknown>, fail: Fail): void {
  const type = meta.type;
  if (type === 'log' && meta.provisional === true) fail('provisional', 'must not be true on log records');
  if (type !== 'span_start' && type !== 'span_end' && type !== 'span_event') return;
  for (const field of ['trace_id', 'span_id', 'name']) if (meta[field] === undefined) fail(field, `is required on ${type} records`);
  const event = typeof meta.event === 'string' ? meta.event : '';
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  if (type === 'span_start') {
    if (meta.provisional !== true) fail('provisional', 'must be true on span_start records');
    if (name !== undefined && event !== `${name}.start`) fail('event', `must be "${name}.start" on a span_start record, got ${describe(event)}`);
  } else if (meta.provisional === true) fail('provisional', `must not be true on ${type} records`);
  if (type === 'span_end') {
    if (name !== undefined && event !== `${name}.end`) fail('event', `must be "${name}.end" on a span_end record, got ${describe(event)}`);
    if (meta.start_unknown !== undefined && meta.start_unknown !== true)
      fail('start_unknown', `must be true when present, got ${describe(meta.start_unknown)}`);
    if (meta.start_unknown === true && (meta.duration_ms !== undefined || meta.start_time !== undefined))
      fail('start_unknown', 'must not be set on a record that has start_time or duration_ms');
    if (meta.duration_ms === undefined && meta.start_unknown !== true)
      fail('duration_ms', 'is required on span_end records (or start_unknown: true when the start was never recorded)');
  } else if (meta.start_unknown !== undefined) fail('start_unknown', `is only allowed on span_end records, not on ${type} records`);
}

function checkRenamed(record: Record<string, unknown>, renamed: unknown, fail: Fail): void {
  if (renamed === undefined) return;
  if (!isObject(renamed)) return fail('renamed', `must be an object, got ${describe(renamed)}`);
  for (const [encoded, original] of Object.entries(renamed)) {
    if (typeof original !== 'string') fail(`renamed.${encoded}`, `must be the original key as a string, got ${describe(original)}`);
    else if (!Object.prototype.hasOwnProperty.call(record, encoded))
      fail(`renamed.${encoded}`, `names a top-level key "${encoded}" that the record does not have`);
  }
}
