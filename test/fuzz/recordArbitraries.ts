import fc from 'fast-check';
import { formatEpochMicros, LEVEL_NAMES, RECORD_TYPES, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '@aitrace/format';

/** Keys that break naive readers: prototype keys, the metadata key, names of metadata fields, the empty key. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__tracer_meta__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'timestamp',
  'event',
  'renamed',
  '',
];

/** One character of the kinds that break naive code: lone surrogates, NUL, quotes, SQL/LIKE wildcards, separators. */
const nastyUnit = fc.oneof(
  fc.constantFrom('\uD800', '\uDFFF', '\u0000', '"', '\\', "'", '%', '_', '\u2028', '\r', '\t', '😀', 'é', '{', '}', ' '),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Strings (without raw newlines, which never occur inside a JSON line) made of such characters. */
export const nastyString = fc.string({ unit: nastyUnit, maxLength: 24 }).map((s) => s.replace(/\n/g, ' '));

/** An object key: hostile names often, arbitrary text otherwise. */
export const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), nastyString);

/** A prototype-pollution payload, as text. */
const POLLUTION = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';

const leafText = fc.oneof(
  fc.constantFrom('null', 'true', 'false', POLLUTION),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  nastyString.map((s) => JSON.stringify(s)),
);

/**
 * JSON text of any value, written out by hand so that objects can hold `__proto__` and duplicate keys exactly as
 * a file would (JSON.parse makes them own properties); now and then nested hundreds of levels deep (past SQLite's JSON depth limit of 1000).
 */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafText, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 })
    .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
})).value;

/** JSON text nested `levels` deep, in objects or arrays. */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 200, max: 1500 }), fc.boolean())
  .map(([levels, objects]) => (objects ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`));

const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length }).filter((id) => !/^0+$/.test(id));

/** 32 lower-case hex digits, not all zeros. */
const traceId = hex(32);
/** 16 lower-case hex digits, not all zeros. */
const spanId = hex(16);

/** Microseconds from 1970 to 2100. */
const timeUs = fc.integer({ min: 0, max: 4_102_444_800_000_000 });

/** Metadata that TRACE_RECORD.md calls valid, of every record type, with optional fields present or not. */
export const validMeta: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    type: fc.constantFrom(...RECORD_TYPES),
    timeUs,
    name: nastyString.filter((s) => s !== ''),
    event: nastyString.filter((s) => s !== ''),
    traceId,
    spanId,
    parentSpanId: fc.option(spanId, { nil: undefined }),
    kind: fc.option(fc.constantFrom(...SPAN_KIND_NAMES), { nil: undefined }),
    status: fc.option(fc.constantFrom(...STATUS_CODE_NAMES), { nil: undefined }),
    level: fc.option(fc.constantFrom(...LEVEL_NAMES), { nil: undefined }),
    severity: fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
    durationMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    line: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }),
    file: fc.option(nastyString, { nil: undefined }),
    service: fc.option(nastyString, { nil: undefined }),
    pid: fc.option(fc.nat(), { nil: undefined }),
    logInTrace: fc.boolean(),
    extra: fc.option(jsonText, { nil: undefined }),
  })
  .map((m) => {
    const meta: Record<string, unknown> = { format_version: 2, timestamp: formatEpochMicros(m.timeUs), type: m.type };
    if (m.type === 'log') {
      meta.event = m.event;
      if (m.logInTrace) Object.assign(meta, { trace_id: m.traceId, span_id: m.spanId });
      if (m.level !== undefined) meta.level = m.level;
      if (m.severity !== undefined) meta.severity_number = m.severity;
    } else {
      Object.assign(meta, { trace_id: m.traceId, span_id: m.spanId, name: m.name });
      if (m.parentSpanId !== undefined) meta.parent_span_id = m.parentSpanId;
      if (m.kind !== undefined) meta.kind = m.kind;
      if (m.type === 'span_start') Object.assign(meta, { event: `${m.name}.start`, provisional: true });
      else if (m.type === 'span_end')
        Object.assign(meta, {
          event: `${m.name}.end`,
          duration_ms: m.durationMs,
          start_time: formatEpochMicros(Math.max(0, m.timeUs - Math.floor(m.durationMs * 1000))),
        });
      else meta.event = m.event;
      if (m.status !== undefined && m.type !== 'span_event') meta.status = m.status;
    }
    if (m.line !== undefined) meta.line = m.line;
    if (m.file !== undefined) meta.file = m.file;
    if (m.service !== undefined) meta.service = m.service;
    if (m.pid !== undefined) meta.pid = m.pid;
    if (m.extra !== undefined) meta.x_extra = JSON.parse(m.extra) as unknown;
    return meta;
  });

const userKey = hostileKey.filter((key) => key !== '__tracer_meta__');

/** User data of a record: hostile keys (never the metadata key itself) with any JSON values, some very deep. */
export const userEntries = fc.array(fc.tuple(userKey, fc.oneof({ weight: 12, arbitrary: jsonText }, { weight: 1, arbitrary: deepJsonText })), { maxLength: 6 });

/** User data within the writer's value limits. */
export const shallowUserEntries = fc.array(fc.tuple(userKey, jsonText), { maxLength: 6 });

/** The text of one record line: metadata first or last, then user data. */
export function recordText(meta: Record<string, unknown>, entries: ReadonlyArray<readonly [string, string]>, metaLast = false): string {
  const parts = entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`);
  const metaPart = `"__tracer_meta__":${JSON.stringify(meta)}`;
  return `{${(metaLast ? [...parts, metaPart] : [metaPart, ...parts]).join(',')}}`;
}

/** A valid record line. */
export const validRecordLine = fc.tuple(validMeta, userEntries, fc.boolean()).map(([meta, entries, metaLast]) => recordText(meta, entries, metaLast));

/** Whether the text is one JSON value. */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Metadata fields replaced by a value of the wrong type: a reader must refuse the record and name the field. */
export const WRONG_FIELD_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['timestamp', 1761480000],
  ['timestamp', 'yesterday'],
  ['timestamp', null],
  ['event', 7],
  ['event', null],
  ['trace_id', 12],
  ['span_id', { id: 1 }],
  ['kind', 'sideways'],
  ['status', 'maybe'],
  ['level', 3],
  ['line', 'twelve'],
  ['provisional', 'yes'],
  ['duration_ms', 'slow'],
  ['start_time', 'then'],
  ['service', ['a']],
];

/** A line that is not a record, and the kind of problem it has. */
export const badLine: fc.Arbitrary<string> = fc.oneof(
  // Not JSON at all (and not blank, which readers skip).
  nastyString.filter((s) => {
    const text = s.endsWith('\r') ? s.slice(0, -1) : s;
    return text.trim() !== '' && !isJson(text);
  }),
  // A record cut short, as a killed writer leaves it.
  fc.tuple(validRecordLine, fc.double({ min: 0, max: 1, noNaN: true })).map(([line, at]) => line.slice(0, 1 + Math.floor(at * (line.length - 2)))),
  // JSON that is not an object.
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  // Metadata that is not an object.
  jsonText.filter((text) => !text.startsWith('{')).map((text) => `{"__tracer_meta__":${text}}`),
  // A metadata field of the wrong type.
  fc
    .tuple(validMeta, userEntries, fc.constantFrom(...WRONG_FIELD_VALUES))
    .map(([meta, entries, [field, value]]) => recordText({ ...meta, [field]: value }, entries)),
);

/** One line of a generated file: a record, a bad line or a blank line. */
export type GeneratedLine = { kind: 'record'; text: string } | { kind: 'bad'; text: string } | { kind: 'blank'; text: string };

/** Lines of a file, mostly records, some bad, some blank. */
export const fileLines: fc.Arbitrary<GeneratedLine[]> = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: validRecordLine.map((text): GeneratedLine => ({ kind: 'record', text })) },
    { weight: 3, arbitrary: badLine.map((text): GeneratedLine => ({ kind: 'bad', text })) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t', '\r').map((text): GeneratedLine => ({ kind: 'blank', text })) },
  ),
  { maxLength: 30 },
);

/** Places to cut a text of `length` into chunks (sorted, distinct, inside the text). */
export function cutPoints(length: number): fc.Arbitrary<number[]> {
  if (length <= 1) return fc.constant([]);
  return fc.uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: Math.min(40, length - 1) }).map((cuts) => cuts.sort((a, b) => a - b));
}

/** Splits `data` at `cuts`. */
export function splitAt<T extends string | Uint8Array>(data: T, cuts: readonly number[]): T[] {
  const chunks: T[] = [];
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    chunks.push(data.slice(from, cut) as T);
    from = cut;
  }
  return chunks;
}
