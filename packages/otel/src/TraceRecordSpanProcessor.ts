import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_VALUE_LIMITS, encodeRecord, formatHrTime, type TracerMeta, type ValueLimits } from '@aitrace/format';
import { createScrubber, createWriter, resolveConfig, type AitraceOptions } from './AitraceOptions.js';
import type { Scrubber } from './Scrubber.js';
import { captureCallSite } from './callSite.js';
import { reportError } from './reportError.js';
import type { RecordWriter } from './RecordWriter.js';
import { codeLocation, durationMs, isSampled, KIND_NAMES, serviceName, STATUS_NAMES } from './spanMeta.js';

/** Options for `TraceRecordSpanProcessor`. */
export interface TraceRecordSpanProcessorOptions extends AitraceOptions {
  /** Capture the caller's file/line/function from the stack when a span has no `code.*` attributes (default false). */
  captureStack?: boolean;
}

// Span fields that differ between OpenTelemetry SDK lines; read defensively.
interface SpanCompat {
  parentSpanContext?: { spanId: string };
  parentSpanId?: string;
  instrumentationScope?: { name: string; version?: string };
  instrumentationLibrary?: { name: string; version?: string };
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

  constructor(options: TraceRecordSpanProcessorOptions = {}) {
    const config = resolveConfig(options);
    this.writer = createWriter(options, config).retain();
    this.compatMode = config.compatMode;
    this.limits = options.limits ?? DEFAULT_VALUE_LIMITS;
    this.captureStack = options.captureStack ?? false;
    this.scrubber = createScrubber(options);
  }

  onStart(span: Span, _parentContext: Context): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      const context = span.spanContext();
      if (!isSampled(context)) return;
      const meta = this.baseMeta(span, formatHrTime(span.startTime), `${span.name}.start`, 'span_start');
      meta.kind = KIND_NAMES[span.kind] ?? 'internal';
      meta.provisional = true;
      Object.assign(meta, codeLocation(span.attributes));
      if (meta.file === undefined && this.captureStack) {
        const site = captureCallSite();
        if (site !== undefined) Object.assign(meta, site);
      }
      if (span.links.length > 0) meta.links = linksOf(span);
      this.writer.write(encodeRecord(meta, this.scrubber.scrub(span.attributes), { compatMode: this.compatMode, limits: this.limits }));
    } catch (error) {
      reportError(error, 'span start');
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      if (!isSampled(span.spanContext())) return;
      const encodeOptions = { compatMode: this.compatMode, limits: this.limits };
      for (const event of span.events) {
        const meta = this.baseMeta(span, formatHrTime(event.time), event.name, 'span_event');
        this.writer.write(encodeRecord(meta, event.attributes === undefined ? undefined : this.scrubber.scrub(event.attributes), encodeOptions));
      }
      const meta = this.baseMeta(span, formatHrTime(span.endTime), `${span.name}.end`, 'span_end');
      meta.kind = KIND_NAMES[span.kind] ?? 'internal';
      meta.status = STATUS_NAMES[span.status.code] ?? 'unset';
      if (span.status.message) meta.status_message = span.status.message;
      Object.assign(meta, codeLocation(span.attributes));
      meta.start_time = formatHrTime(span.startTime);
      meta.duration_ms = durationMs(span.duration);
      if (span.links.length > 0) meta.links = linksOf(span);
      const dropped: NonNullable<TracerMeta['dropped']> = {};
      if (span.droppedAttributesCount > 0) dropped.attributes = span.droppedAttributesCount;
      if (span.droppedEventsCount > 0) dropped.events = span.droppedEventsCount;
      if (span.droppedLinksCount > 0) dropped.links = span.droppedLinksCount;
      if (dropped.attributes !== undefined || dropped.events !== undefined || dropped.links !== undefined) meta.dropped = dropped;
      this.writer.write(encodeRecord(meta, this.scrubber.scrub(span.attributes), encodeOptions));
    } catch (error) {
      reportError(error, 'span end');
    }
  }

  private baseMeta(span: ReadableSpan | Span, timestamp: string, event: string, type: NonNullable<TracerMeta['type']>): TracerMeta {
    const context = span.spanContext();
    const compat = span as unknown as SpanCompat;
    const meta: TracerMeta = { timestamp, event, type, trace_id: context.traceId, span_id: context.spanId };
    const parent = compat.parentSpanContext?.spanId ?? compat.parentSpanId;
    if (parent) meta.parent_span_id = parent;
    meta.name = span.name;
    const service = serviceName(span.resource);
    if (service !== undefined) meta.service = service;
    const scope = compat.instrumentationScope ?? compat.instrumentationLibrary;
    if (scope !== undefined) {
      meta.scope = scope.name;
      if (scope.version) meta.scope_version = scope.version;
    }
    meta.pid = this.pid;
    return meta;
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
