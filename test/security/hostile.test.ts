import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { buildSpanForest, LineReader, readJsonl, walkSpans } from '@aitrace/forest';
import { normalizeRecord, RECORD_TYPES, validateRecord } from '@aitrace/format';
import { createAitrace } from '@aitrace/otel';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../reliability/support.js';

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function expectCleanPrototypes(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('polluted');
}

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

/** Values an app (or a hostile library) may hand to the tracer. */
function hostileValues(): Record<string, unknown> {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  const circularArray: unknown[] = [1];
  circularArray.push(circularArray);
  return {
    huge: 'h'.repeat(10 * 1024 * 1024),
    deep: deep(10_000),
    deepArray: JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown,
    circular,
    circularArray,
    bigint: 2n ** 70n,
    loneHigh: 'a\uD800b',
    loneLow: '\uDC00tail',
    reversedPair: '\uDC00\uD800',
    nul: 'a\u0000b',
    symbol: Symbol('s'),
    fn: () => 1,
    nan: Number.NaN,
    infinity: Number.POSITIVE_INFINITY,
  };
}

const HOSTILE_KEYS = ['__tracer_meta__', '__proto__', 'constructor', 'prototype', '\uD800key'];

afterEach(() => diag.disable());

describe('hostile attribute values and keys through the real span processor and log exporter', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`never throws into the app and writes only valid JSON records (${mode})`, { timeout: 60_000 }, async () => {
      const file = join(tempDir('hostile'), 'trace.jsonl');
      const aitrace = createAitrace({ output: file, sync: mode === 'sync', config: false });
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
      const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
      const tracer = tracerProvider.getTracer('hostile');
      const logger = loggerProvider.getLogger('hostile');
      const values = hostileValues();

      expect(() => {
        const span = tracer.startSpan('hostile.span', { attributes: { loneHigh: values.loneHigh as string, huge: values.huge as string } });
        for (const key of HOSTILE_KEYS) span.setAttribute(key, `value of ${key}`);
        // The SDK drops non-primitive attributes; an instrumentation that writes the attribute map directly
        // bypasses that, so the processor must cope with anything.
        Object.defineProperties((span as unknown as { attributes: Record<string, unknown> }).attributes, Object.getOwnPropertyDescriptors(values));
        Object.defineProperty((span as unknown as { attributes: Record<string, unknown> }).attributes, '__proto__', {
          value: { polluted: true },
          enumerable: true,
        });
        span.addEvent('hostile.event', { loneLow: values.loneLow as string, __proto__: 'event' } as Record<string, string>);
        span.end();
        // Log records carry any value as body and attributes.
        // (Not 10,000-level values as log attributes: the SDK's own attribute check in sdk-logs recurses and
        // overflows the stack before any processor sees the record.)
        for (const [name, value] of Object.entries(values)) {
          const attributes = name.startsWith('deep') ? { which: name } : { which: name, nested: value as never };
          logger.emit({ body: value as never, severityText: 'WARN', attributes });
        }
        const keyed = Object.create(null) as Record<string, unknown>;
        for (const key of HOSTILE_KEYS) keyed[key] = { polluted: true, isAdmin: true };
        logger.emit({ body: 'keys', attributes: keyed as never });
      }).not.toThrow();
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
      expectCleanPrototypes();

      // Every line is valid JSON and a valid record, small enough to read.
      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      expect(lines.length).toBe(2 + 1 + Object.keys(values).length + 1);
      for (const [i, line] of lines.entries()) {
        const value = JSON.parse(line) as unknown;
        expect(validateRecord(value), `line ${i + 1}`).toEqual([]);
        expect(normalizeRecord(value).ok, `line ${i + 1}`).toBe(true);
        // Lone surrogates are escaped or replaced: the line is well-formed UTF-8 after a round trip.
        expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      }
      // Huge strings are truncated by the value limits instead of writing 10 MB lines.
      for (const line of lines) {
        if (line.length < 1024 * 1024) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const big = Object.entries(parsed)
          .filter(([, v]) => JSON.stringify(v).length > 100_000)
          .map(([k]) => k);
        expect.fail(`a ${line.length}-character line: ${JSON.stringify(parsed.__tracer_meta__).slice(0, 300)} big keys ${big.join(',')}`);
      }
      // A user key named __tracer_meta__ never replaces the metadata.
      for (const line of lines) {
        const meta = (JSON.parse(line) as { __tracer_meta__: { type: string } }).__tracer_meta__;
        expect(RECORD_TYPES).toContain(meta.type);
      }

      // Readers keep going and do not pollute prototypes.
      const read = readJsonl(text);
      expect(read.problems).toEqual([]);
      const forest = buildSpanForest(read.records, { ended: true });
      const names: string[] = [];
      walkSpans(forest.traces[0]!.roots, (node) => names.push(node.name));
      expect(names).toEqual(['hostile.span']);
      expectCleanPrototypes();
    });
  }
});

describe('hostile values the encoder must survive', () => {
  const throwing = (): never => {
    throw new Error('getter');
  };

  it('writes the span end and the log records with a throwing getter marked unreadable', async () => {
    const file = join(tempDir('getter'), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, sync: true, config: false });
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    onTestFinished(() => setGlobalErrorHandler(loggingErrorHandler()));
    const span = tracerProvider.getTracer('hostile').startSpan('getter.span', { attributes: { kept: 1 } });
    const attributes = (span as unknown as { attributes: Record<string, unknown> }).attributes;
    Object.defineProperty(attributes, 'boom', { get: throwing, enumerable: true });
    Object.defineProperty(attributes, 'nested', {
      value: Object.defineProperty({ fine: true }, 'deep', { get: throwing, enumerable: true }),
      enumerable: true,
    });
    Object.defineProperty(attributes, 'api_key', { get: throwing, enumerable: true });
    span.end();
    const logger = loggerProvider.getLogger('hostile');
    const body = Object.defineProperty({ event: 'getter.body' }, 'boom', { get: throwing, enumerable: true });
    logger.emit({ body: body as never });
    // (Not a getter among log attributes: sdk-logs copies attributes in emit() and throws there, before any exporter.)
    const bodyWithMessage = Object.defineProperty({}, 'msg', { get: throwing, enumerable: true });
    logger.emit({ body: bodyWithMessage as never, severityText: 'WARN' });
    await tracerProvider.shutdown();
    await loggerProvider.shutdown();
    expect(errors).toEqual([]);

    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown> & { __tracer_meta__: { event: string } });
    const unreadable = { $type: 'unreadable', reason: 'getter' };
    const end = records.find((r) => r.__tracer_meta__.event === 'getter.span.end');
    expect(end).toMatchObject({ kept: 1, boom: unreadable, nested: { fine: true, deep: unreadable } });
    // A sensitive key is hidden without calling its getter.
    expect(end?.api_key).toMatch(/^\[redacted/);
    expect(records.find((r) => r.__tracer_meta__.event === 'getter.body')).toMatchObject({ body: { event: 'getter.body', boom: unreadable } });
    expect(records.find((r) => r.__tracer_meta__.event === 'WARN')).toMatchObject({ body: { msg: unreadable } });
    expect(records).toHaveLength(4);
  });

  it('applies the string length limit to log bodies: a 10 MB body is kept truncated, with its length', async () => {
    const file = join(tempDir('body'), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
    const huge = `${'x'.repeat(10 * 1024 * 1024)}end`;
    loggerProvider.getLogger('hostile').emit({ body: huge, severityText: 'ERROR' });
    loggerProvider.getLogger('hostile').emit({ body: { message: huge, n: 1 } as never, severityText: 'INFO' });
    await loggerProvider.shutdown();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(100_000);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { __tracer_meta__: { event: string } });
    expect(first).toMatchObject({ __tracer_meta__: { event: 'ERROR', level: 'error' }, body: { $type: 'truncated_string', length: huge.length } });
    expect(second).toMatchObject({ __tracer_meta__: { event: 'INFO' }, body: { message: { $type: 'truncated_string', length: huge.length }, n: 1 } });
  });
});

describe('hostile trace files through the readers', () => {
  const meta = (event: string, extra = ''): string =>
    `"__tracer_meta__":{"format_version":2,"timestamp":"2025-10-26T12:34:15.193415Z","event":"${event}","type":"span_start","trace_id":"${'a'.repeat(32)}","span_id":"${'b'.repeat(16)}","name":"x"${extra}}`;
  const lines = [
    `{${meta('proto.start')},"__proto__":{"polluted":true,"isAdmin":true}}`,
    `{"__proto__":{"polluted":true},${meta('proto2.start')}}`,
    `{${meta('ctor.start')},"constructor":{"prototype":{"polluted":true}}}`,
    `{"__tracer_meta__":{"__proto__":{"polluted":true},"type":"log","event":"m","timestamp":"2025-10-26T12:34:15Z"}}`,
    `{${meta('deep.start')},"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    `{${meta('deeparr.start')},"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    `{${meta('surrogate.start')},"s":"\\ud800\\udc00\\ud800 x \\udfff"}`,
    `{${meta('huge.start')},"big":"${'z'.repeat(10 * 1024 * 1024)}"}`,
    `{"__tracer_meta__":{"format_version":2,"timestamp":"2025-10-26T12:34:15Z","event":"b.start","type":"span_start","trace_id":"${'a'.repeat(32)}","span_id":"__proto__","parent_span_id":"constructor","name":"__proto__"}}`,
    `{"__tracer_meta__":{"format_version":2,"timestamp":"2025-10-26T12:34:15Z","event":"c.start","type":"span_start","trace_id":"__proto__","span_id":"constructor","parent_span_id":"__proto__","name":"toString"}}`,
    '{"__tracer_meta__":"not an object"}',
    '[1,2,3]',
    '{"__tracer_meta__":{"type":"span_start"',
  ];

  it('reads every line or names its problem, and never pollutes a prototype', () => {
    const reader = new LineReader({ onValue: (value) => void validateRecord(value) });
    const bytes = Buffer.from(lines.join('\n'));
    const records = [];
    const problems = [];
    // Odd chunk sizes split lines; 64 KiB-ish like a file tailer (4 KiB chunks make a 10 MB line quadratic).
    for (let at = 0; at < bytes.length; at += 65_521) {
      const batch = reader.push(bytes.subarray(at, at + 65_521));
      records.push(...batch.records);
      problems.push(...batch.problems);
    }
    const tail = reader.end();
    records.push(...tail.records);
    problems.push(...tail.problems);
    expect(records.length + problems.length).toBe(lines.length);
    expect(problems.map((p) => p.line)).toEqual(expect.arrayContaining([11, 12, 13]));
    expect(problems.find((p) => p.line === 13)?.message).toMatch(/truncated/);
    expectCleanPrototypes();
    const forest = buildSpanForest(records, { ended: true });
    let count = 0;
    for (const trace of forest.traces) walkSpans(trace.roots, () => count++);
    expect(count).toBeGreaterThan(0);
    expectCleanPrototypes();
    // A user attribute named __proto__ stays data, not the record's prototype.
    const proto = records.find((r) => r.record.event === 'proto.start');
    expect(proto === undefined ? undefined : Object.getPrototypeOf(proto.record.attrs)).not.toEqual({ polluted: true, isAdmin: true });
  });
});
