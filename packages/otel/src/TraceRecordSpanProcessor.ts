import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_VALUE_LIMITS, encodeRecord, encodeRecordFromMetaJson, formatHrTime, type TracerMeta, type ValueLimits } from '@aitrace/format';
import { createScrubber, createWriter, resolveConfig, type AitraceOptions } from './AitraceOptions.js';
import type { Scrubber } from './Scrubber.js';
import { captureCallSite } from './callSite.js';
import { reportError } from './reportError.js';
import type { RecordWriter } from './RecordWriter.js';
import { codeLocation, durationMs, isSampled, KIND_NAMES, serviceName, STATUS_NAMES } from './spanMeta.js';
import { parentSpanId, SpanMetaJson, spanScope, type Location } from './SpanMetaJson.js';

/** Options for `TraceRecordSpanProcessor`. */
export interface TraceRecordSpanProcessorOptions extends AitraceOptions {
  /** Capture the caller's file/line/function from the stack when a span has no `code.*` attributes (default false). */
  captureStack?: boolean;
}

const NO_LOCATION: Location = {};


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
      const meta = this.meta(span, formatHrTime(span.startTime), `${span.name}.start`, 'span_start', site ?? code);
      meta.provisional = true;
      meta.scrubbed = scrubbed;
      this.writer.write(encodeRecord(meta, data, this.encodeOptions));
    } catch (error) {
      reportError(error, 'span start');
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      if (!isSampled(span.spanContext())) return;
      for (const event of span.events) {
        const meta = this.meta(span, formatHrTime(event.time), event.name, 'span_event', NO_LOCATION);
        meta.kind = undefined;
        meta.links = undefined;
        const attributes = event.attributes === undefined ? undefined : this.scrubber.scrub(event.attributes);
        meta.scrubbed = attributes === undefined ? undefined : this.scrubber.scrubbed;
        this.writer.write(encodeRecord(meta, attributes, this.encodeOptions));
      }
      const location = codeLocation(span.attributes);
      const data = this.scrubber.scrub(span.attributes);
      const scrubbed = this.scrubber.scrubbed;
      const members = scrubbed === undefined ? this.metaJson?.end(span, location) : undefined;
      const line = members === undefined ? undefined : encodeRecordFromMetaJson(members, data, this.limits);
      if (line !== undefined) {
        this.writer.write(line);
        return;
      }
      const meta = this.meta(span, formatHrTime(span.endTime), `${span.name}.end`, 'span_end', location);
      meta.status = STATUS_NAMES[span.status.code] ?? 'unset';
      meta.status_message = span.status.message || undefined;
      meta.start_time = formatHrTime(span.startTime);
      meta.duration_ms = durationMs(span.duration);
      if (span.droppedAttributesCount > 0 || span.droppedEventsCount > 0 || span.droppedLinksCount > 0) {
        const dropped: NonNullable<TracerMeta['dropped']> = {};
        if (span.droppedAttributesCount > 0) dropped.attributes = span.droppedAttributesCount;
        if (span.droppedEventsCount > 0) dropped.events = span.droppedEventsCount;
        if (span.droppedLinksCount > 0) dropped.links = span.droppedLinksCount;
        meta.dropped = dropped;
      }
      meta.scrubbed = scrubbed;
      this.writer.write(encodeRecord(meta, data, this.encodeOptions));
    } catch (error) {
      reportError(error, 'span end');
    }
  }

  /** Metadata with one fixed shape for every record (absent fields undefined), which keeps encoding fast. */
  private meta(span: ReadableSpan | Span, timestamp: string, event: string, type: NonNullable<TracerMeta['type']>, location: Location): TracerMeta {
    const context = span.spanContext();
    const scope = spanScope(span);
    return {
      timestamp,
      event,
      type,
      trace_id: context.traceId,
      span_id: context.spanId,
      parent_span_id: parentSpanId(span),
      name: span.name,
      kind: KIND_NAMES[span.kind] ?? 'internal',
      status: undefined,
      status_message: undefined,
      file: location.file,
      line: location.line,
      column: location.column,
      function: location.function,
      provisional: undefined,
      start_time: undefined,
      duration_ms: undefined,
      service: serviceName(span.resource),
      scope: scope?.name,
      scope_version: scope?.version || undefined,
      pid: this.pid,
      links: span.links.length > 0 ? linksOf(span) : undefined,
      dropped: undefined,
      scrubbed: undefined,
    };
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

function linksOf(span: ReadableSpan | Span): NonNullable<TracerMeta['links']> {
  return span.links.map((link) => {
    const out: NonNullable<TracerMeta['links']>[number] = { trace_id: link.context.traceId, span_id: link.context.spanId };
    if (link.attributes !== undefined && Object.keys(link.attributes).length > 0) out.attributes = { ...link.attributes };
    return out;
  });
}
