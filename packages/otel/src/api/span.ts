import type { Span } from '@opentelemetry/api';
import { captureCallSite } from '../callSite.js';
import { wantsCallSite } from './callSites.js';
import { runInSpan, type SpanOptions } from './runInSpan.js';

/**
 * Runs `fn` (sync or async) inside an active span named `name`, nested under the current span. Errors and
 * rejections are recorded (exception event + error status) and rethrown; the span always ends. The span
 * records the caller's file and line unless `captureCallSite` is false.
 */
export function span<R>(name: string, fn: (span: Span) => R, options: SpanOptions = {}): R {
  const site = wantsCallSite(options.captureCallSite) ? captureCallSite() : undefined;
  return runInSpan(name, fn, site === undefined ? options : { ...options, site });
}
