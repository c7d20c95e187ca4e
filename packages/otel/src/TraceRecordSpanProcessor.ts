import type { Context, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import {
  codeLocation,
  DEFAULT_VALUE_LIMITS,
  encodeRecord,
  encodeRecordFromMetaJson,
  spanEndMeta,
  spanEventMeta,
  spanStartMeta,
  type CodeLocation,
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
      const members = scrubbed === undefined ? this.metaJson?.start(span, site ?? code) : undefined;
      const line = members === undefined ? undefined : encodeRecordFromMetaJson(members, data, this.limits);
      if (line !== undefined) {
        this.writer.write(line);
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
      const data = this.scrubber.scrub(span.attributes);
      const scrubbed = this.scrubber.scrubbed;
      const members = scrubbed === undefined ? this.metaJson?.end(span, location) : undefined;
      const line = members === undefined ? undefined : encodeRecordFromMetaJson(members, data, this.limits);
      if (line !== undefined) {
        this.writer.write(line);
        return;
      }
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
