import { RECORD_TYPES, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from './enumerations.js';
import { parseLevel, levelFromSeverity } from './levels.js';
import { defineData } from './safeJson.js';
import { parseTimestamp } from './timestamp.js';
import type { DroppedCounts, LinkMeta, NormalizedRecord, RecordProblem, RecordType, SpanKindName, StatusName } from './types.js';
import { META_KEY } from './version.js';

/** The outcome of `normalizeRecord`: the record, or every problem that kept it from being read. */
export type NormalizeResult = { ok: true; record: NormalizedRecord } | { ok: false; problems: RecordProblem[] };

// Sets of the enumerations, for a quick lookup per record.
const TYPE_SET = new Set<string>(RECORD_TYPES);
const KIND_SET = new Set<string>(SPAN_KIND_NAMES);
const STATUS_SET = new Set<string>(STATUS_CODE_NAMES);

/** v1 (top-level) metadata keys, including the aliases older writers used, mapped to v2 names. */
const V1_META_KEYS: Readonly<Record<string, string>> = {
  timestamp: 'timestamp',
  event: 'event',
  type: 'type',
  trace_id: 'trace_id',
  span_id: 'span_id',
  parent_span_id: 'parent_span_id',
  parent_id: 'parent_span_id',
  parent: 'parent_span_id',
  span_name: 'name',
  kind: 'kind',
  status: 'status',
  status_message: 'status_message',
  level: 'level',
  severity_number: 'severity_number',
  file: 'file',
  filename: 'file',
  line: 'line',
  lineno: 'line',
  function: 'function',
  func_name: 'function',
  provisional: 'provisional',
  start_time: 'start_time',
  duration_ms: 'duration_ms',
  service: 'service',
  logger: 'scope',
  scope: 'scope',
  pid: 'pid',
};

/** The v1 top-level keys `normalizeRecord` reads as metadata, and the v2 field each becomes. */
export function v1MetaKeys(): Readonly<Record<string, string>> {
  return V1_META_KEYS;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class FieldReader {
  readonly problems: RecordProblem[] = [];
  constructor(
    private readonly meta: Record<string, unknown>,
    private readonly prefix: string,
  ) {}

  private fail(field: string, message: string): undefined {
    this.problems.push({ field: `${this.prefix}${field}`, message });
    return undefined;
  }

  string(field: string, required = false): string | undefined {
    const value = this.meta[field];
    if (value === undefined || value === null) return required ? this.fail(field, 'is required') : undefined;
    if (typeof value !== 'string') return this.fail(field, `must be a string, got ${describe(value)}`);
    return value;
  }

  id(field: string): string | undefined {
    const value = this.string(field);
    if (value === undefined || value === '') return undefined;
    return value.toLowerCase();
  }

  number(field: string): number | undefined {
    const value = this.meta[field];
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) return this.fail(field, `must be a number, got ${describe(value)}`);
    return number;
  }

  oneOf<T extends string>(field: string, allowed: Set<string>): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (!allowed.has(lower)) return this.fail(field, `must be one of ${[...allowed].join(', ')}, got ${JSON.stringify(value)}`);
    return lower as T;
  }

  boolean(field: string): boolean | undefined {
    const value = this.meta[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.fail(field, `must be true or false, got ${describe(value)}`);
    return value;
  }

  time(field: string, required = false): { text: string; us: number } | undefined {
    const text = this.string(field, required);
    if (text === undefined) return undefined;
    const us = parseTimestamp(text);
    if (Number.isNaN(us)) return this.fail(field, `must be an ISO-8601 timestamp, got ${JSON.stringify(text)}`);
    return { text, us };
  }
}

/** A short description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function inferType(event: string, meta: Record<string, unknown>): RecordType {
  const declared = meta.type;
  if (typeof declared === 'string' && TYPE_SET.has(declared)) return declared as RecordType;
  if (event.endsWith('.start') && meta.provisional === true) return 'span_start';
  if (event.endsWith('.end') && typeof meta.span_id === 'string') return 'span_end';
  return 'log';
}

function readLinks(value: unknown): LinkMeta[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const links: LinkMeta[] = [];
  for (const item of value) {
    if (isObject(item) && typeof item.trace_id === 'string' && typeof item.span_id === 'string') {
      const link: LinkMeta = { trace_id: item.trace_id, span_id: item.span_id };
      if (isObject(item.attributes)) link.attributes = item.attributes;
      links.push(link);
    }
  }
  return links;
}

function readDropped(value: unknown): DroppedCounts | undefined {
  if (!isObject(value)) return undefined;
  const dropped: DroppedCounts = {};
  for (const key of ['attributes', 'events', 'links'] as const) {
    const count = value[key];
    if (typeof count === 'number') dropped[key] = count;
  }
  return dropped;
}

function readScrubbed(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const scrubbed: Record<string, string> = {};
  let any = false;
  for (const [path, reason] of Object.entries(value)) {
    if (typeof reason !== 'string') continue;
    scrubbed[path] = reason;
    any = true;
  }
  return any ? scrubbed : undefined;
}

/** Splits a v1 record (metadata at the top level) into metadata and user data. */
function splitV1(value: Record<string, unknown>): { meta: Record<string, unknown>; attrs: Record<string, unknown> } {
  const meta: Record<string, unknown> = {};
  const attrs: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const metaKey = Object.prototype.hasOwnProperty.call(V1_META_KEYS, key) ? V1_META_KEYS[key] : undefined;
    if (metaKey !== undefined && !(metaKey in meta)) meta[metaKey] = value[key];
    else defineData(attrs, key, value[key]);
  }
  return { meta, attrs };
}

/** Splits a v2 record into metadata and user data, undoing collision renames and dropping the compat timestamp. */
function splitV2(value: Record<string, unknown>, rawMeta: Record<string, unknown>): { meta: Record<string, unknown>; attrs: Record<string, unknown> } {
  // The common case: the metadata has its timestamp and event and renames nothing, and no compat copy sits beside
  // it, so it is read as it is and the user data is every other top-level key.
  if (rawMeta.timestamp !== undefined && rawMeta.event !== undefined && rawMeta.compat !== true && !Object.hasOwn(rawMeta, 'renamed')) {
    if (value.timestamp === undefined || rawMeta.format_version !== undefined || value.timestamp !== rawMeta.timestamp) {
      const { [META_KEY]: _meta, ...attrs } = value;
      return { meta: rawMeta, attrs };
    }
  }
  const meta: Record<string, unknown> = {};
  for (const key of Object.keys(rawMeta)) if (key !== 'renamed') defineData(meta, key, rawMeta[key]);
  // Compat copy of the timestamp: flagged by our writers; older writers are recognised by an equal value.
  const compatCopy =
    rawMeta.compat === true || (rawMeta.format_version === undefined && value.timestamp !== undefined && value.timestamp === rawMeta.timestamp);
  if (meta.timestamp === undefined && value.timestamp !== undefined) meta.timestamp = value.timestamp;
  const fallbackEvent = meta.event === undefined && value.event !== undefined;
  if (fallbackEvent) meta.event = value.event;
  const renamed = isObject(rawMeta.renamed) ? rawMeta.renamed : undefined;
  const attrs: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === META_KEY) continue;
    if (key === 'timestamp' && (compatCopy || rawMeta.timestamp === undefined)) continue;
    if (key === 'event' && fallbackEvent) continue;
    const original = renamed !== undefined && typeof renamed[key] === 'string' ? renamed[key] : key;
    defineData(attrs, original, value[key]);
  }
  return { meta, attrs };
}

/**
 * Reads any aitrace record (v2 with `__tracer_meta__`, compat mode, or the v1 top-level layout) into one shape.
 * Metadata comes from `__tracer_meta__` first, then from the top level; user data ends up in `attrs`.
 * Returns the problems instead of throwing when the value is not a usable record. The record shares the value's
 * objects (its metadata and nested user data), as a freshly parsed line has no other owner.
 */
export function normalizeRecord(value: unknown): NormalizeResult {
  if (!isObject(value)) return { ok: false, problems: [{ field: '$', message: `a record must be a JSON object, got ${describe(value)}` }] };
  const rawMeta = value[META_KEY];
  if (rawMeta !== undefined && !isObject(rawMeta)) {
    return { ok: false, problems: [{ field: META_KEY, message: `must be an object, got ${describe(rawMeta)}` }] };
  }
  const formatVersion = rawMeta === undefined ? 1 : typeof rawMeta.format_version === 'number' ? rawMeta.format_version : 2;
  const { meta, attrs } = rawMeta === undefined ? splitV1(value) : splitV2(value, rawMeta);
  const read = new FieldReader(meta, rawMeta === undefined ? '' : `${META_KEY}.`);

  const time = read.time('timestamp', true);
  const event = read.string('event', true);
  const traceId = read.id('trace_id');
  const spanId = read.id('span_id');
  const parentSpanId = read.id('parent_span_id');
  const name = read.string('name');
  const kind = read.oneOf<SpanKindName>('kind', KIND_SET);
  const status = read.oneOf<StatusName>('status', STATUS_SET);
  const statusMessage = read.string('status_message');
  const levelText = read.string('level');
  const severityNumber = read.number('severity_number');
  const file = read.string('file');
  const line = read.number('line');
  const column = read.number('column');
  const fn = read.string('function');
  const provisional = read.boolean('provisional') ?? false;
  const startTime = read.time('start_time');
  const durationMs = read.number('duration_ms');
  const service = read.string('service');
  // A malformed resource is left in meta (validateRecord reports it) rather than losing the whole record.
  const resource = isObject(meta.resource) ? meta.resource : undefined;
  const scope = read.string('scope');
  const scopeVersion = read.string('scope_version');
  const pid = read.number('pid');
  if (read.problems.length > 0 || time === undefined || event === undefined) return { ok: false, problems: read.problems };

  const type = inferType(event, meta);
  const record: NormalizedRecord = { formatVersion, timestamp: time.text, timeUs: time.us, event, type, provisional, meta, attrs };
  if (traceId !== undefined) record.traceId = traceId;
  if (spanId !== undefined) record.spanId = spanId;
  if (parentSpanId !== undefined) record.parentSpanId = parentSpanId;
  const spanName = name ?? spanNameFromEvent(event, type);
  if (spanName !== undefined) record.name = spanName;
  if (kind !== undefined) record.kind = kind;
  if (status !== undefined) record.status = status;
  if (statusMessage !== undefined) record.statusMessage = statusMessage;
  const level = (levelText !== undefined ? parseLevel(levelText) : undefined) ?? (severityNumber !== undefined ? levelFromSeverity(severityNumber) : undefined);
  if (level !== undefined) record.level = level;
  if (severityNumber !== undefined) record.severityNumber = severityNumber;
  if (file !== undefined) record.file = file;
  if (line !== undefined) record.line = line;
  if (column !== undefined) record.column = column;
  if (fn !== undefined) record.function = fn;
  if (startTime !== undefined) record.startTimeUs = startTime.us;
  if (durationMs !== undefined) record.durationMs = durationMs;
  if (service !== undefined) record.service = service;
  if (resource !== undefined) record.resource = resource;
  if (scope !== undefined) record.scope = scope;
  if (scopeVersion !== undefined) record.scopeVersion = scopeVersion;
  if (pid !== undefined) record.pid = pid;
  const links = readLinks(meta.links);
  if (links !== undefined) record.links = links;
  const dropped = readDropped(meta.dropped);
  if (dropped !== undefined) record.dropped = dropped;
  const scrubbed = readScrubbed(meta.scrubbed);
  if (scrubbed !== undefined) record.scrubbed = scrubbed;
  return { ok: true, record };
}

function spanNameFromEvent(event: string, type: RecordType): string | undefined {
  if (type === 'span_start' && event.endsWith('.start')) return event.slice(0, -'.start'.length);
  if (type === 'span_end' && event.endsWith('.end')) return event.slice(0, -'.end'.length);
  return undefined;
}
