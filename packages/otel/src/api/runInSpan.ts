import { context, SpanStatusCode, trace, type Attributes, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';
import { stringifyValue } from '@aitrace/format';
import type { CallSite } from '../callSite.js';
import { Scrubber, type ScrubOptions } from '../Scrubber.js';
import { addCallSiteAttributes } from './callSites.js';

/** Options shared by `span`, `autoSpan` and `traceContext`. */
export interface SpanOptions {
  /** Attributes set when the span starts (scrubbed like log data). */
  attributes?: Attributes;
  /** Span kind (default internal). */
  kind?: SpanKind;
  /** Start a new trace instead of nesting under the active span. */
  root?: boolean;
  /** Tracer to use (default: the global tracer provider's `@aitrace/otel` tracer). */
  tracer?: Tracer;
  /** Record the return value as the `result` attribute (JSON, scrubbed); off by default. */
  captureResult?: boolean;
  /** Scrubbing of captured arguments and results (default: the built-in sensitive keys). */
  scrub?: ScrubOptions;
  /**
   * Record where the span comes from as `code.*` attributes (file, line, function; default true, or
   * `AITRACE_CAPTURE_CALL_SITE`): `autoSpan` reads the wrap site once, `span` its caller on each call.
   */
  captureCallSite?: boolean;
}

const TRACER_NAME = '@aitrace/otel';
const defaultScrubber = new Scrubber();

/** The tracer the developer API uses unless one is given. */
export function defaultTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The scrubber for these options. */
export function scrubberFor(options: SpanOptions): Scrubber {
  return options.scrub === undefined ? defaultScrubber : new Scrubber(options.scrub);
}

/** JSON text of a value, scrubbed; span attributes hold only primitives, so structured data goes in as JSON. */
export function scrubbedJson(value: unknown, scrubber: Scrubber): string {
  const scrubbed =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? scrubber.scrub(value as Record<string, unknown>)
      : Array.isArray(value)
        ? scrubber.scrub({ v: value }).v
        : value;
  return stringifyValue(scrubbed);
}

/** Marks a span failed: an `exception` event and error status. */
export function recordFailure(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(typeof error === 'string' ? error : stringifyValue(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

const GENERATOR = Object.getPrototypeOf(function* () {}) as object;
const ASYNC_GENERATOR = Object.getPrototypeOf(async function* () {}) as object;

/** Whether `fn` is a generator function (sync or async), whose span must cover the iteration. */
export function generatorKind(fn: unknown): 'sync' | 'async' | undefined {
  if (typeof fn !== 'function') return undefined;
  const proto: unknown = Object.getPrototypeOf(fn);
  return proto === GENERATOR ? 'sync' : proto === ASYNC_GENERATOR ? 'async' : undefined;
}

function wrapGenerator(generator: Generator, span: Span): Generator {
  const active = trace.setSpan(context.active(), span);
  const step = (method: 'next' | 'return' | 'throw', arg?: unknown): IteratorResult<unknown> => {
    try {
      const result = context.with(active, () => (generator[method] as (value?: unknown) => IteratorResult<unknown>)(arg));
      if (result.done === true) span.end();
      return result;
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
  };
  const wrapped = {
    next: (value?: unknown) => step('next', value),
    return: (value?: unknown) => step('return', value),
    throw: (error?: unknown) => step('throw', error),
    [Symbol.iterator]() {
      return wrapped;
    },
  };
  return wrapped as unknown as Generator;
}

function wrapAsyncGenerator(generator: AsyncGenerator, span: Span): AsyncGenerator {
  const active = trace.setSpan(context.active(), span);
  const step = async (method: 'next' | 'return' | 'throw', arg?: unknown): Promise<IteratorResult<unknown>> => {
    try {
      const result = await context.with(active, () => (generator[method] as (value?: unknown) => Promise<IteratorResult<unknown>>)(arg));
      if (result.done === true) span.end();
      return result;
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
  };
  const wrapped = {
    next: (value?: unknown) => step('next', value),
    return: (value?: unknown) => step('return', value),
    throw: (error?: unknown) => step('throw', error),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped as unknown as AsyncGenerator;
}

/** Options of `runInSpan` beyond the public ones. */
export interface RunOptions extends SpanOptions {
  /** Attributes added by the caller (captured arguments). */
  extraAttributes?: Attributes;
  /** The called function is a generator: the span covers its iteration. */
  generator?: 'sync' | 'async' | undefined;
  /** Where the span comes from, recorded as `code.*` attributes. */
  site?: CallSite | undefined;
}

/**
 * Calls `invoke` inside a new active span: records a thrown error or rejection (exception event + error
 * status) and always ends the span, after the promise settles or the generator finishes.
 */
export function runInSpan<R>(name: string, invoke: (span: Span) => R, options: RunOptions): R {
  const tracer = options.tracer ?? defaultTracer();
  const scrubber = scrubberFor(options);
  const attributes = scrubber.scrub({ ...options.attributes, ...options.extraAttributes }) as Attributes;
  if (options.site !== undefined) addCallSiteAttributes(options.site, attributes);
  const startOptions = { attributes, ...(options.kind !== undefined ? { kind: options.kind } : {}), ...(options.root === true ? { root: true } : {}) };
  const kind = options.generator;
  return tracer.startActiveSpan(name, startOptions, (span: Span): R => {
    const succeed = (value: unknown): void => {
      if (options.captureResult === true && value !== undefined) span.setAttribute('result', scrubbedJson(value, scrubber));
      span.end();
    };
    let result: R;
    try {
      result = invoke(span);
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
    if (kind === 'sync') return wrapGenerator(result as Generator, span) as R;
    if (kind === 'async') return wrapAsyncGenerator(result as AsyncGenerator, span) as R;
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          succeed(value);
          return value;
        },
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
          throw error;
        },
      ) as R;
    }
    succeed(result);
    return result;
  });
}
