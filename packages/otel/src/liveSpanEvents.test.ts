import { BasicTracerProvider, type ReadableSpan, type Span, type TimedEvent } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { unwatchSpanEvents, watchSpanEvents } from './liveSpanEvents.js';

// The contract liveSpanEvents.ts relies on, checked against the 2.x SDK (test/otel3 checks the 3.x line).
describe('live span events with the OpenTelemetry 2.x SDK', () => {
  const tracer = (eventCountLimit?: number) =>
    new BasicTracerProvider(eventCountLimit === undefined ? {} : { spanLimits: { eventCountLimit } }).getTracer('live');

  it('reports addEvent and recordException as they happen, with the event the span stored', () => {
    const seen: [Span, TimedEvent][] = [];
    const span = tracer().startSpan('job') as unknown as Span;
    expect(watchSpanEvents(span, (s, event) => seen.push([s, event]))).toBe(true);
    span.addEvent('checkpoint', { step: 1 });
    expect(seen.map(([, event]) => event.name)).toEqual(['checkpoint']);
    span.recordException(new Error('boom'));
    span.addEvent('timed', [1_700_000_000, 5]);
    expect(seen.every(([s]) => s === span)).toBe(true);
    const stored = (span as unknown as ReadableSpan).events;
    expect(seen.map(([, event]) => event)).toEqual(stored);
    expect(stored[1]!.attributes!['exception.message']).toBe('boom');
    expect(stored[2]!.time).toEqual([1_700_000_000, 5]);
  });

  it('reports an event past the limit (the SDK drops the oldest), nothing once the span ended, nothing after unwatch', () => {
    const seen: string[] = [];
    const span = tracer(2).startSpan('job') as unknown as Span;
    watchSpanEvents(span, (_s, event) => seen.push(event.name));
    for (const name of ['a', 'b', 'c']) span.addEvent(name);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect((span as unknown as ReadableSpan).events.map((event) => event.name)).toEqual(['b', 'c']);
    span.end();
    span.addEvent('late');
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(unwatchSpanEvents(span as unknown as ReadableSpan)).toBe(true);
    expect(unwatchSpanEvents(span as unknown as ReadableSpan)).toBe(false);
    const zero = tracer(0).startSpan('none') as unknown as Span;
    watchSpanEvents(zero, (_s, event) => seen.push(event.name));
    zero.addEvent('disabled');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('leaves spans nobody watches alone, and a listener that throws does not reach the app', () => {
    const other = tracer().startSpan('other');
    other.addEvent('plain', { n: 1 });
    expect((other as unknown as ReadableSpan).events.map((event) => event.name)).toEqual(['plain']);
    const span = tracer().startSpan('job') as unknown as Span;
    watchSpanEvents(span, () => {
      throw new Error('listener failed');
    });
    expect(() => span.addEvent('still.stored')).not.toThrow();
    expect((span as unknown as ReadableSpan).events.map((event) => event.name)).toEqual(['still.stored']);
  });

  it('still reports events live when something replaced addEvent on the span class after spans were watched', () => {
    const watched = tracer().startSpan('first') as unknown as Span;
    watchSpanEvents(watched, () => undefined);
    let owner = Object.getPrototypeOf(watched) as object;
    while (!Object.prototype.hasOwnProperty.call(owner, 'addEvent')) owner = Object.getPrototypeOf(owner) as object;
    const ours = (owner as { addEvent: unknown }).addEvent;
    // As a test double restoring its own copy would: a plain addEvent that knows nothing of aitrace's.
    const plain = function addEvent(this: ReadableSpan, name: string): unknown {
      this.events.push({ name, time: [1_700_000_000, 0], droppedAttributesCount: 0 });
      return this;
    };
    Object.defineProperty(owner, 'addEvent', { value: plain, writable: true, configurable: true });
    try {
      const seen: string[] = [];
      const span = tracer().startSpan('second') as unknown as Span;
      expect(watchSpanEvents(span, (_s, event) => seen.push(event.name))).toBe(true);
      span.addEvent('after.replace');
      expect(seen).toEqual(['after.replace']);
    } finally {
      Object.defineProperty(owner, 'addEvent', { value: ours, writable: true, configurable: true });
    }
  });
});
