import type { ReadableSpan, Span, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { reportError } from './reportError.js';

/**
 * The one hook aitrace puts into the OpenTelemetry SDK span, so that an event added to a running span
 * (`addEvent`, `recordException`) is written when it happens instead of only at the span's end.
 *
 * Contract with the SDK, checked by a test per supported line (2.x `@opentelemetry/sdk-trace-base` in
 * `liveSpanEvents.test.ts`, 3.x `@opentelemetry/sdk-trace` in `test/otel3`): the span given to a processor's
 * `onStart` is the object later given to `onEnd`; its class defines `addEvent` on a prototype; `addEvent` stores the
 * event by pushing it onto the span's public `events` array (dropping the oldest first when the event limit is
 * reached, storing nothing once the span has ended or when events are disabled); `recordException` stores its
 * event through `this.addEvent`. The prototype's `addEvent` is wrapped once per span class: the wrapper calls the
 * SDK's own method, then, for a span being watched, reports the event if a new one is now last in `events`. A span
 * class that does not fit (no prototype `addEvent`, no `events` array) is not wrapped: its events are then
 * written at the span's end, as before. Spans nobody watches pay one property read per event.
 */

/** Called with each event a watched span stores while it runs, right after the SDK stored it. */
export type SpanEventListener = (span: Span, event: TimedEvent) => void;

type AddEvent = Span['addEvent'];
// Shared through the global registry of symbols, so two copies of this package in one process wrap `addEvent` once
// between them and see each other's listeners.
const LISTENER = Symbol.for('aitrace.liveSpanEvents.listener');
const WRAPPED = Symbol.for('aitrace.liveSpanEvents.wrapped');
// The listener lives on the span itself: a property every span of a class gets alike costs less than a WeakMap
// entry per span, which the garbage collector must also trace as an ephemeron.
type Watched = { [LISTENER]?: SpanEventListener | undefined };

// The prototype of the last span that fitted the contract and the wrapper it reached: spans of one class skip the
// prototype walk while their `addEvent` is still that wrapper (something that replaces it is wrapped in turn).
let fittingPrototype: object | null = null;
let fittingAddEvent: AddEvent | undefined;

/**
 * Reports each event the span stores from now until `unwatchSpanEvents`, to `listener`. Returns false when the
 * span's class does not fit the contract above (its events must then be written at its end).
 */
export function watchSpanEvents(span: Span, listener: SpanEventListener): boolean {
  if (!Array.isArray((span as Partial<ReadableSpan>).events)) return false;
  const prototype = Object.getPrototypeOf(span) as object | null;
  if (prototype !== fittingPrototype || span.addEvent !== fittingAddEvent) {
    const wrapped = wrapAddEvent(span);
    if (wrapped === undefined) return false;
    fittingPrototype = prototype;
    fittingAddEvent = wrapped;
  }
  try {
    (span as Watched)[LISTENER] = listener;
  } catch {
    // A span object that takes no new property (frozen, sealed): its events are written at its end.
    return false;
  }
  return true;
}

/** Stops reporting the span's events; returns whether they were being reported (then none is left to write). */
export function unwatchSpanEvents(span: ReadableSpan): boolean {
  if ((span as Watched)[LISTENER] === undefined) return false;
  (span as Watched)[LISTENER] = undefined;
  return true;
}

/** Wraps `addEvent` on the prototype that defines it for this span's class, once; the wrapper, or undefined if there is none. */
function wrapAddEvent(span: Span): AddEvent | undefined {
  let owner: object | null = Object.getPrototypeOf(span) as object | null;
  while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, 'addEvent')) owner = Object.getPrototypeOf(owner) as object | null;
  if (owner === null || owner === Object.prototype) return undefined;
  const holder = owner as { addEvent: AddEvent & { [WRAPPED]?: true } };
  const original = holder.addEvent;
  if (typeof original !== 'function') return undefined;
  if (original[WRAPPED] === true) return original;
  const wrapped = function addEvent(
    this: Span & ReadableSpan,
    name: string,
    attributesOrStartTime?: Parameters<AddEvent>[1],
    time?: Parameters<AddEvent>[2],
  ): Span {
    const listener = (this as Watched)[LISTENER];
    if (listener === undefined) return original.call(this, name, attributesOrStartTime, time);
    const events = this.events;
    const lastBefore = events[events.length - 1];
    const result = original.call(this, name, attributesOrStartTime, time);
    const added = this.events[this.events.length - 1];
    if (added !== undefined && added !== lastBefore) {
      try {
        listener(this, added);
      } catch (error) {
        reportError(error, 'span event');
      }
    }
    return result;
  } as AddEvent & { [WRAPPED]?: true };
  wrapped[WRAPPED] = true;
  Object.defineProperty(owner, 'addEvent', { value: wrapped, writable: true, configurable: true, enumerable: false });
  return wrapped;
}
