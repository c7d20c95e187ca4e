import type { Attributes } from '@opentelemetry/api';
import { generatorKind, runInSpan, scrubberFor, scrubbedJson, type SpanOptions } from './runInSpan.js';

/** Options for `autoSpan`. */
export interface AutoSpanOptions extends SpanOptions {
  /** Span name (default: the function's name; for methods `Class.method`). */
  name?: string;
  /** Record the arguments as the `args` attribute (JSON, scrubbed); off by default. */
  captureArgs?: boolean;
}

// Any `this` and any parameters: the wrapper must accept every function and give back its exact type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

function argumentAttributes(args: readonly unknown[], options: AutoSpanOptions): Attributes | undefined {
  return options.captureArgs === true ? { args: scrubbedJson(args, scrubberFor(options)) } : undefined;
}

function wrap<F extends AnyFunction>(fn: F, nameOf: (self: unknown) => string, options: AutoSpanOptions): F {
  const generator = generatorKind(fn);
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const extraAttributes = argumentAttributes(args, options);
    return runInSpan(nameOf(this), () => (fn as unknown as (...a: unknown[]) => unknown).apply(this, args), {
      ...options,
      generator,
      ...(extraAttributes !== undefined ? { extraAttributes } : {}),
    });
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as unknown as F;
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method';
}

function methodDecorator<F extends AnyFunction>(method: F, decorator: ClassMethodDecoratorContext, options: AutoSpanOptions): F {
  const methodName = String(decorator.name);
  return wrap(method, (self) => {
    if (options.name !== undefined) return options.name;
    const owner = decorator.static ? (self as { name?: string }).name : (self as object | undefined)?.constructor?.name;
    return owner ? `${owner}.${methodName}` : methodName;
  }, options);
}

/**
 * Wraps a function so each call runs in a span (`.start` on entry, `.end` on exit, also on throw), keeping `this`,
 * the arguments, the return type and sync/async/generator behaviour: `const load = autoSpan(loadConfig)`.
 * Also a TC39 method decorator: `@autoSpan` or `@autoSpan({ captureArgs: true })`.
 */
export function autoSpan<F extends AnyFunction>(fn: F, options?: AutoSpanOptions): F;
export function autoSpan<F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
export function autoSpan(options: AutoSpanOptions): <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext) => F;
export function autoSpan(first: AnyFunction | AutoSpanOptions, second?: AutoSpanOptions | ClassMethodDecoratorContext): unknown {
  if (typeof first !== 'function') {
    return <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F => methodDecorator(method, context, first);
  }
  if (isMethodContext(second)) return methodDecorator(first, second, {});
  const options = second ?? {};
  const name = options.name ?? (first.name || 'anonymous');
  return wrap(first, () => name, options);
}
