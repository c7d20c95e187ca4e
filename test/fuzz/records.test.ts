import fc from 'fast-check';
import { encodeNormalized, normalizeRecord, RECORD_TYPES, validateRecord, type NormalizedRecord, type RecordProblem } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { checkProperty, fuzzTimeout } from './fuzzSettings.js';
import { expectCleanPrototypes } from './prototypes.js';
import { jsonText, recordText, shallowUserEntries, userEntries, validMeta, WRONG_FIELD_VALUES } from './recordArbitraries.js';

/** Any JavaScript value an API caller could pass: null prototypes, BigInt, Map, Date, typed and sparse arrays... */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'binary',
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', '__tracer_meta__', 'timestamp', 'event', 'type'), fc.string()),
});

/** A value shaped like a record (metadata key present) with arbitrary contents, as JSON text. */
const recordLikeText = fc.oneof(
  jsonText,
  fc.tuple(jsonText, userEntries).map(([meta, entries]) => `{"__tracer_meta__":${meta}${entries.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`),
  fc.tuple(validMeta, userEntries).map(([meta, entries]) => recordText(meta, entries)),
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function expectWellFormedProblems(problems: RecordProblem[]): void {
  for (const problem of problems) {
    expect(typeof problem.field === 'string' && typeof problem.message === 'string' && problem.message !== '').toBe(true);
    expect(problem.field).toMatch(
      /^(\$|__tracer_meta__|timestamp|event|type|trace_id|span_id|parent_span_id|name|kind|status|status_message|level|severity_number|file|line|column|function|provisional|start_time|duration_ms|service|scope|scope_version|pid)($|[.[])/,
    );
  }
}

/** The shape every normalized record has, whatever the input. */
function expectWellFormedRecord(record: NormalizedRecord): void {
  expect(RECORD_TYPES).toContain(record.type);
  expect(typeof record.event).toBe('string');
  expect(typeof record.timestamp).toBe('string');
  expect(Number.isFinite(record.timeUs)).toBe(true);
  expect(typeof record.provisional).toBe('boolean');
  expect(isPlainObject(record.meta) && isPlainObject(record.attrs)).toBe(true);
  for (const id of [record.traceId, record.spanId, record.parentSpanId]) if (id !== undefined) expect(id).toBe(id.toLowerCase());
}

describe('fuzzing normalizeRecord and validateRecord', () => {
  it('never throw on any JavaScript value and answer with a record or named problems', { timeout: fuzzTimeout(30_000) }, () => {
    checkProperty(
      'normalizeRecord/validateRecord on any JS value',
      fc.oneof(
        anyValue,
        fc.record({ __tracer_meta__: anyValue }),
        fc.record({ __tracer_meta__: fc.record({ timestamp: anyValue, event: anyValue, type: anyValue, trace_id: anyValue }) }),
      ),
      (value) => {
        const result = normalizeRecord(value);
        if (result.ok) expectWellFormedRecord(result.record);
        else {
          expect(result.problems.length).toBeGreaterThan(0);
          expectWellFormedProblems(result.problems);
        }
        expectWellFormedProblems(validateRecord(value));
        expectCleanPrototypes();
      },
      300,
    );
  });

  it('read parsed lines with hostile keys without polluting prototypes, keeping every user key as data', { timeout: fuzzTimeout(30_000) }, () => {
    checkProperty(
      'normalizeRecord/validateRecord on JSON lines with hostile keys',
      recordLikeText,
      (text) => {
        const value = JSON.parse(text) as unknown;
        const problems = validateRecord(value);
        expectWellFormedProblems(problems);
        const result = normalizeRecord(value);
        // A record the validator accepts is always readable.
        if (problems.length === 0) expect(result.ok, JSON.stringify(problems)).toBe(true);
        if (result.ok) {
          const { record } = result;
          expectWellFormedRecord(record);
          const input = value as Record<string, unknown>;
          const meta = input.__tracer_meta__ as Record<string, unknown>;
          // Without renames, the user data is the record minus its metadata key: same keys, same order, same values.
          if (meta.renamed === undefined && !('timestamp' in input) && !('event' in input)) {
            const expected = Object.fromEntries(Object.entries(input).filter(([key]) => key !== '__tracer_meta__'));
            expect(JSON.stringify(record.attrs)).toBe(JSON.stringify(expected));
          }
          // Metadata fields arrive as written.
          expect(record.event).toBe(meta.event);
          if (typeof meta.trace_id === 'string' && meta.trace_id !== '') expect(record.traceId).toBe(meta.trace_id.toLowerCase());
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          expectWellFormedProblems(result.problems);
        }
        expectCleanPrototypes();
      },
      400,
    );
  });

  // Values stay within the writer's limits (64 levels), which encodeNormalized applies as any writer does.
  it('accept every valid record, and read it back the same after encodeNormalized', { timeout: fuzzTimeout(30_000) }, () => {
    checkProperty(
      'valid records: validate, normalize, encode, normalize',
      fc.tuple(validMeta, shallowUserEntries).map(([meta, entries]) => recordText(meta, entries)),
      (text) => {
        const value = JSON.parse(text) as Record<string, unknown>;
        expect(validateRecord(value)).toEqual([]);
        const first = normalizeRecord(value);
        if (!first.ok) return expect.fail(JSON.stringify(first.problems));
        const meta = value.__tracer_meta__ as Record<string, unknown>;
        expect([first.record.type, first.record.traceId, first.record.spanId, first.record.timestamp]).toEqual([
          meta.type,
          meta.trace_id,
          meta.span_id,
          meta.timestamp,
        ]);
        // Writing the normalized record out and reading it again gives the same record.
        const line = encodeNormalized(first.record);
        expect(line).not.toContain('\n');
        const again = JSON.parse(line) as unknown;
        expect(validateRecord(again)).toEqual([]);
        const second = normalizeRecord(again);
        if (!second.ok) return expect.fail(JSON.stringify(second.problems));
        expect(JSON.stringify(second.record.attrs)).toBe(JSON.stringify(first.record.attrs));
        expect({ ...second.record, attrs: null, meta: null }).toEqual({ ...first.record, attrs: null, meta: null });
        expectCleanPrototypes();
      },
      300,
    );
  });

  it('name the metadata field that has a value of the wrong type', { timeout: fuzzTimeout(30_000) }, () => {
    checkProperty(
      'wrong-typed metadata fields',
      fc.tuple(validMeta, userEntries, fc.constantFrom(...WRONG_FIELD_VALUES)),
      ([meta, entries, [field, wrong]]) => {
        const value = JSON.parse(recordText({ ...meta, [field]: wrong }, entries)) as unknown;
        const fieldPath = `__tracer_meta__.${field}`;
        expect(validateRecord(value).map((p) => p.field)).toContain(fieldPath);
        const result = normalizeRecord(value);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problems.map((p) => p.field)).toContain(fieldPath);
      },
      300,
    );
  });
});
