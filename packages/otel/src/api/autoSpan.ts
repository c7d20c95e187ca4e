import type { Attributes } from '@opentelemetry/api';
import { captureCallSite } from '../callSite.js';
import { wantsCallSite } from './callSites.js';
import { generatorKind, runInSpan, scrubberFor, scrubbedJson, type RunOptions, type SpanOptions } from './runInSpan.js';

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
  // Where the function is wrapped (or its class decorated): read once here, so calls pay nothing for it.
  const site = wantsCallSite(options.captureCallSite) ? captureCallSite() : undefined;
  const runOptions: RunOptions = { ...options, generator: generatorKind(fn), site };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const extraAttributes = argumentAttributes(args, options);
    return runInSpan(
      nameOf(this),
      () => (fn as unknown as (...a: unknown[]) => unknown).apply(this, args),
      extraAttributes === undefined ? runOptions : { ...runOptions, extraAttributes },
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as unknown as F;
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method';
}

function isMethodDescriptor(value: unknown): value is PropertyDescriptor & { value: AnyFunction } {
  return typeof value === 'object' && value !== null && typeof (value as PropertyDescriptor).value === 'function';
}

/** The span name of a method call: the option, else `Class.method` from the instance (or the class, for statics). */
function methodSpanName(methodName: string, isStatic: boolean, options: AutoSpanOptions): (self: unknown) => string {
  return (self) => {
    if (options.name !== undefined) return options.name;
    const owner = isStatic ? (self as { name?: string }).name : (self as object | undefined)?.constructor?.name;
    return owner ? `${owner}.${methodName}` : methodName;
  };
}

function methodDecorator<F extends AnyFunction>(method: F, decorator: ClassMethodDecoratorContext, options: AutoSpanOptions): F {
  return wrap(method, methodSpanName(String(decorator.name), decorator.static, options), options);
}

/** A legacy (`experimentalDecorators`) method decorator: replaces the descriptor's function. */
function legacyMethodDecorator(
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor & { value: AnyFunction },
  options: AutoSpanOptions,
): PropertyDescriptor {
  // On a static method the target is the class itself, on an instance method its prototype.
  descriptor.value = wrap(descriptor.value, methodSpanName(String(key), typeof target === 'function', options), options);
  return descriptor;
}

/** What `@autoSpan(options)` returns: a method decorator for TC39 decorators and for `experimentalDecorators` alike. */
export interface AutoSpanDecorator {
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

/**
 * Wraps a function so each call runs in a span (`.start` on entry, `.end` on exit, also on throw), keeping `this`,
 * the arguments, the return type and sync/async/generator behaviour: `const load = autoSpan(loadConfig)`.
 * Also a method decorator, `@autoSpan` or `@autoSpan({ captureArgs: true })`, with TC39 decorators and with
 * TypeScript's `experimentalDecorators` (NestJS, TypeORM, Angular).
 */
export function autoSpan<F extends AnyFunction>(fn: F, options?: AutoSpanOptions): F;
export function autoSpan<F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
export function autoSpan(target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
export function autoSpan(options: AutoSpanOptions): AutoSpanDecorator;
export function autoSpan(
  first: AnyFunction | AutoSpanOptions | object,
  second?: AutoSpanOptions | ClassMethodDecoratorContext | string | symbol,
  third?: PropertyDescriptor,
): unknown {
  if ((typeof second === 'string' || typeof second === 'symbol') && isMethodDescriptor(third)) return legacyMethodDecorator(first, second, third, {});
  if (typeof first !== 'function') {
    const options = first as AutoSpanOptions;
    return (method: AnyFunction | object, context: ClassMethodDecoratorContext | string | symbol, descriptor?: PropertyDescriptor): unknown => {
      if (isMethodDescriptor(descriptor)) return legacyMethodDecorator(method, context as string | symbol, descriptor, options);
      return methodDecorator(method as AnyFunction, context as ClassMethodDecoratorContext, options);
    };
  }
  const fn = first as AnyFunction;
  if (isMethodContext(second)) return methodDecorator(fn, second, {});
  const options = (second as AutoSpanOptions | undefined) ?? {};
  const name = options.name ?? (fn.name || 'anonymous');
  return wrap(fn, () => name, options);
}
