import type { Context, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import {
  codeLocation,
  DEFAULT_VALUE_LIMITS,
  encodeFlatMembers,
  encodeRecord,
  recordFromMembers,
  spanEndMeta,
  spanEventMeta,
  spanStartMeta,
  stringifyValue,
  type CodeLocation,
  type ScrubbedPaths,
  type ValueLimits,
} from '@aitrace/format';
import { createScrubber, createWriter, resolveConfig, type AitraceOptions } from './AitraceOptions.js';
import type { Scrubber } from './Scrubber.js';
import { captureCallSite } from './callSite.js';
import { unwatchSpanEvents, watchSpanEvents } from './liveSpanEvents.js';
import { reportError } from './reportError.js';
import type { RecordWriter } from './RecordWriter.js';
import { sdkSpanInput } from './sdkSpanInput.js';
import { SpanMetaJson } from './SpanMetaJson.js';

/** Options for `TraceRecordSpanProcessor`. */
export interface TraceRecordSpanProcessorOptions extends AitraceOptions {
  /** Capture the caller's file/line/function from the stack when a span has no `code.*` attributes (default false). */
  captureStack?: boolean;
}

/** TraceFlags.SAMPLED. */
const SAMPLED = 1;

/** Whether the span context was sampled (unsampled, record-only spans are not written). */
function isSampled(context: SpanContext): boolean {
  return (context.traceFlags & SAMPLED) === SAMPLED;
}

// What a span's start record wrote, kept on the span until its end: the data members, the `scrubbed` member, then
// each attribute key and value as they were (arrays copied, so a later change in place is seen).
const STARTED = Symbol('aitrace.started');
type Started = [dataMembers: string, scrubbedMember: string, ...keysAndValues: unknown[]];
type WithStarted = { [STARTED]?: Started | undefined };

function rememberAttributes(attributes: Readonly<Record<string, unknown>>, dataMembers: string, scrubbedMember: string): Started {
  const started: Started = [dataMembers, scrubbedMember];
  for (const key in attributes) {
    const value = attributes[key];
    started.push(key, Array.isArray(value) ? value.slice() : value);
  }
  return started;
}

function sameValue(before: unknown, now: unknown): boolean {
  if (before === now) return true;
  if (!Array.isArray(before) || !Array.isArray(now) || before.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) if (!Object.is(before[i], now[i])) return false;
  return true;
}

/**
 * How many attributes the span has at the end when the start's are all still there, unchanged and in place
 * (more means keys were added after the start); -1 when one changed.
 */
function keysAfterUnchangedStart(started: Started, attributes: Readonly<Record<string, unknown>>): number {
  const count = (started.length - 2) / 2;
  let index = 0;
  for (const key in attributes) {
    if (index < count && (key !== started[2 + 2 * index] || !sameValue(started[3 + 2 * index], attributes[key]))) return -1;
    index++;
  }
  return index >= count ? index : -1;
}

/**
 * A SpanProcessor that writes `<name>.start` (provisional) when a span starts and its events plus
 * `<name>.end` when it ends, as aitrace JSONL records. Register it like any other span processor.
 */
export class TraceRecordSpanProcessor implements SpanProcessor {
  /** The writer this processor sends records to. */
  readonly writer: RecordWriter;
  private readonly compatMode: boolean;
  private readonly limits: ValueLimits;
  private readonly captureStack: boolean;
  private readonly scrubber: Scrubber;
  private readonly pid = process.pid;
  private shutdownPromise: Promise<void> | undefined;
  private readonly encodeOptions: { compatMode: boolean; limits: ValueLimits };
  // Metadata built as JSON text for the common case; compat mode takes the general encoder.
  private readonly metaJson: SpanMetaJson | undefined;

  constructor(options: TraceRecordSpanProcessorOptions = {}) {
    const config = resolveConfig(options);
    this.writer = createWriter(options, config).retain();
    this.compatMode = config.compatMode;
    this.limits = options.limits ?? DEFAULT_VALUE_LIMITS;
    this.captureStack = options.captureStack ?? false;
    this.scrubber = createScrubber(options, config);
    this.encodeOptions = { compatMode: this.compatMode, limits: this.limits };
    this.metaJson = this.compatMode ? undefined : new SpanMetaJson(this.pid);
  }

  onStart(span: Span, _parentContext: Context): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      if (!isSampled(span.spanContext())) return;
      watchSpanEvents(span, this.writeEvent);
      const code = codeLocation(span.attributes);
      const site = code.file === undefined && this.captureStack ? captureCallSite() : undefined;
      const data = this.scrubber.scrub(span.attributes);
      const scrubbed = this.scrubber.scrubbed;
      const members = this.metaJson?.start(span, site ?? code);
      const dataMembers = members === undefined ? undefined : this.flatMembers(data, 0);
      if (members !== undefined && dataMembers !== undefined) {
        const scrubbedMember = this.scrubbedMember(scrubbed);
        this.writer.write(recordFromMembers(members + scrubbedMember, dataMembers));
        // The end record reuses these bytes when the attributes did not change.
        (span as WithStarted)[STARTED] = rememberAttributes(span.attributes, dataMembers, scrubbedMember);
        return;
      }
      const meta = spanStartMeta(sdkSpanInput(span, false), site ?? code, this.pid);
      if (scrubbed !== undefined) meta.scrubbed = scrubbed;
      this.writer.write(encodeRecord(meta, data, this.encodeOptions));
    } catch (error) {
      reportError(error, 'span start');
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      if (!isSampled(span.spanContext())) return;
      // Events of a watched span were written as they happened.
      if (!unwatchSpanEvents(span)) for (const event of span.events) this.writeEvent(span, event);
      const location: CodeLocation = codeLocation(span.attributes);
      const started = (span as WithStarted)[STARTED];
      if (started !== undefined) (span as WithStarted)[STARTED] = undefined;
      const members = this.metaJson?.end(span, location);
      const line = members === undefined ? undefined : this.endLine(span, members, started);
      if (line !== undefined) {
        this.writer.write(line);
        return;
      }
      const data = this.scrubber.scrub(span.attributes);
      const scrubbed = this.scrubber.scrubbed;
      const meta = spanEndMeta(sdkSpanInput(span, true), location, this.pid);
      if (scrubbed !== undefined) meta.scrubbed = scrubbed;
      this.writer.write(encodeRecord(meta, data, this.encodeOptions));
    } catch (error) {
      reportError(error, 'span end');
    }
  }

  /** Writes one span event's record: as the event happens (see liveSpanEvents.ts), or at the end of an unwatched span. */
  private readonly writeEvent = (span: Span | ReadableSpan, event: TimedEvent): void => {
    if (this.shutdownPromise !== undefined) return;
    const attributes = event.attributes === undefined ? undefined : this.scrubber.scrub(event.attributes);
    const meta = spanEventMeta(sdkSpanInput(span, false), event, this.pid);
    if (attributes !== undefined && this.scrubber.scrubbed !== undefined) meta.scrubbed = this.scrubber.scrubbed;
    this.writer.write(encodeRecord(meta, attributes, this.encodeOptions));
  };

  /**
   * The end record through the JSON fast path: the start's bytes when no attribute changed, the start's bytes plus
   * the added keys when some were only added, else all attributes encoded again; undefined for the general encoder.
   */
  private endLine(span: ReadableSpan, members: string, started: Started | undefined): string | undefined {
    const attributes = span.attributes;
    const keys = started === undefined ? -1 : keysAfterUnchangedStart(started, attributes);
    const startKeys = started === undefined ? 0 : (started.length - 2) / 2;
    // The scrubbing rules are per key and value, so unchanged attributes scrub as they did at the start.
    if (keys >= 0 && keys === startKeys) return recordFromMembers(members + started![1], started![0]);
    const data = this.scrubber.scrub(attributes);
    const scrubbedMember = this.scrubbedMember(this.scrubber.scrubbed);
    const tail = keys >= 0 ? this.flatMembers(data, startKeys) : undefined;
    if (tail !== undefined) return recordFromMembers(members + scrubbedMember, started![0] + tail);
    const dataMembers = this.flatMembers(data, 0);
    return dataMembers === undefined ? undefined : recordFromMembers(members + scrubbedMember, dataMembers);
  }

  private flatMembers(data: Readonly<Record<string, unknown>>, from: number): string | undefined {
    try {
      return encodeFlatMembers(data, from, this.limits);
    } catch {
      // A getter that throws: the general encoder marks it unreadable.
      return undefined;
    }
  }

  private scrubbedMember(scrubbed: ScrubbedPaths | undefined): string {
    return scrubbed === undefined ? '' : `,"scrubbed":${stringifyValue(scrubbed, this.limits)}`;
  }

  /** Resolves when every record accepted so far is written. */
  forceFlush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes and closes; afterwards the processor writes nothing. Safe to call more than once. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.writer.close();
    return this.shutdownPromise;
  }
}
