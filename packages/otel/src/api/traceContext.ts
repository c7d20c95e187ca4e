import { context, trace, type Span, type Attributes } from '@opentelemetry/api';
import { captureCallSite } from '../callSite.js';
import { addCallSiteAttributes, wantsCallSite } from './callSites.js';
import { defaultTracer, recordFailure, runInSpan, type SpanOptions } from './runInSpan.js';

/** A span opened with `traceContext(name)`: ends (once) when disposed, e.g. by `using`. */
export interface TraceScope extends Disposable {
  /** The span. */
  readonly span: Span;
  /** Runs `fn` with this span active, so spans and logs inside nest under it. */
  run<R>(fn: () => R): R;
  /** Records an error on the span (exception event + error status). */
  fail(error: unknown): void;
  /** Ends the span; later calls do nothing. */
  end(): void;
}

/**
 * Starts a new trace: `traceContext('nightly.import', async () => ...)` runs `fn` in a root span and ends it,
 * recording failures. Without `fn`, returns a `TraceScope` for `using scope = traceContext('job')`: the span ends
 * when the scope is disposed; run work with `scope.run(fn)` so it nests under the span.
 */
export function traceContext<R>(name: string, fn: (span: Span) => R, options?: SpanOptions): R;
export function traceContext(name: string, options?: SpanOptions): TraceScope;
export function traceContext<R>(name: string, fnOrOptions?: ((span: Span) => R) | SpanOptions, maybeOptions: SpanOptions = {}): R | TraceScope {
  const options = (typeof fnOrOptions === 'function' ? maybeOptions : fnOrOptions) ?? {};
  const site = wantsCallSite(options.captureCallSite) ? captureCallSite() : undefined;
  if (typeof fnOrOptions === 'function') return runInSpan(name, fnOrOptions, { root: true, ...options, site });
  const tracer = options.tracer ?? defaultTracer();
  const attributes: Attributes = { ...options.attributes };
  if (site !== undefined) addCallSiteAttributes(site, attributes);
  const span = tracer.startSpan(name, { root: options.root ?? true, attributes, ...(options.kind !== undefined ? { kind: options.kind } : {}) });
  const active = trace.setSpan(context.active(), span);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    span.end();
  };
  return {
    span,
    run: (fn) => context.with(active, fn),
    fail: (error) => recordFailure(span, error),
    end,
    [Symbol.dispose]: end,
  };
}
