import type { Span } from '@opentelemetry/api';
import { runInSpan, type SpanOptions } from './runInSpan.js';

/**
 * Runs `fn` (sync or async) inside an active span named `name`, nested under the current span. Errors and
 * rejections are recorded (exception event + error status) and rethrown; the span always ends.
 */
export function span<R>(name: string, fn: (span: Span) => R, options: SpanOptions = {}): R {
  return runInSpan(name, fn, options);
}
