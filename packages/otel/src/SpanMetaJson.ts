import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import { formatHrTime, jsonString } from '@aitrace/format';
import { durationMs, KIND_NAMES, serviceName, STATUS_NAMES } from './spanMeta.js';

/** Where a span was started: from `code.*` attributes or a captured stack. */
export interface Location {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  function?: string | undefined;
}

// Span fields that differ between OpenTelemetry SDK lines; read defensively.
export interface SpanCompat {
  parentSpanContext?: { spanId: string };
  parentSpanId?: string;
  instrumentationScope?: { name: string; version?: string };
  instrumentationLibrary?: { name: string; version?: string };
}

interface QuotedName {
  name: string;
  start: string;
  end: string;
}

const CACHE_LIMIT = 10_000;
// Longer names are quoted each time: the cache holds repeating names, not whatever huge string an app passes.
const CACHED_LENGTH_LIMIT = 256;

/** The id of a span's parent, if any, across SDK lines. */
export function parentSpanId(span: ReadableSpan | Span): string | undefined {
  const compat = span as unknown as SpanCompat;
  return compat.parentSpanContext?.spanId ?? (compat.parentSpanId || undefined);
}

/** The instrumentation scope of a span, across SDK lines. */
export function spanScope(span: ReadableSpan | Span): { name: string; version?: string } | undefined {
  const compat = span as unknown as SpanCompat;
  return compat.instrumentationScope ?? compat.instrumentationLibrary;
}

function locationJson(location: Location): string {
  let out = '';
  if (location.file !== undefined) out += `,"file":${jsonString(location.file)}`;
  if (location.line !== undefined && Number.isFinite(location.line)) out += `,"line":${location.line}`;
  if (location.column !== undefined && Number.isFinite(location.column)) out += `,"column":${location.column}`;
  if (location.function !== undefined) out += `,"function":${jsonString(location.function)}`;
  return out;
}

/**
 * Builds the `__tracer_meta__` members of span start and end records directly as JSON text, in the same order
 * and with the same fields as the metadata object the general encoder writes. Names, services and scopes repeat
 * from span to span, so their quoted forms are cached.
 */
export class SpanMetaJson {
  private readonly names = new Map<string, QuotedName>();
  private readonly strings = new Map<string, string>();

  constructor(private readonly pid: number) {}

  /** Members of a `<name>.start` record. */
  start(span: Span, location: Location): string | undefined {
    if (span.links.length > 0) return undefined;
    const name = this.quotedName(span.name);
    return `"timestamp":"${formatHrTime(span.startTime)}","event":${name.start},"type":"span_start",${this.identity(span, name)}${locationJson(location)},"provisional":true${this.origin(span)}`;
  }

  /** Members of a `<name>.end` record; undefined for what the general encoder must write (links, dropped counts, odd times). */
  end(span: ReadableSpan, location: Location): string | undefined {
    const duration = durationMs(span.duration);
    if (span.links.length > 0 || span.droppedAttributesCount > 0 || span.droppedEventsCount > 0 || span.droppedLinksCount > 0 || !Number.isFinite(duration)) return undefined;
    const name = this.quotedName(span.name);
    const status = `,"status":"${STATUS_NAMES[span.status.code] ?? 'unset'}"${span.status.message ? `,"status_message":${jsonString(span.status.message)}` : ''}`;
    const timing = `,"start_time":"${formatHrTime(span.startTime)}","duration_ms":${duration}`;
    return `"timestamp":"${formatHrTime(span.endTime)}","event":${name.end},"type":"span_end",${this.identity(span, name)}${status}${locationJson(location)}${timing}${this.origin(span)}`;
  }

  private identity(span: ReadableSpan | Span, name: QuotedName): string {
    const context = span.spanContext();
    const parent = parentSpanId(span);
    const parentJson = parent === undefined ? '' : `,"parent_span_id":${jsonString(parent)}`;
    return `"trace_id":${jsonString(context.traceId)},"span_id":${jsonString(context.spanId)}${parentJson},"name":${name.name},"kind":"${KIND_NAMES[span.kind] ?? 'internal'}"`;
  }

  private origin(span: ReadableSpan | Span): string {
    const service = serviceName(span.resource);
    const scope = spanScope(span);
    let out = service === undefined ? '' : `,"service":${this.quoted(service)}`;
    if (scope !== undefined) {
      out += `,"scope":${this.quoted(scope.name)}`;
      if (scope.version) out += `,"scope_version":${this.quoted(scope.version)}`;
    }
    return `${out},"pid":${this.pid}`;
  }

  private quoted(text: string): string {
    let quoted = this.strings.get(text);
    if (quoted === undefined) {
      quoted = jsonString(text);
      if (this.strings.size < CACHE_LIMIT && text.length <= CACHED_LENGTH_LIMIT) this.strings.set(text, quoted);
    }
    return quoted;
  }

  private quotedName(name: string): QuotedName {
    let quoted = this.names.get(name);
    if (quoted === undefined) {
      quoted = { name: jsonString(name), start: jsonString(`${name}.start`), end: jsonString(`${name}.end`) };
      if (this.names.size < CACHE_LIMIT && name.length <= CACHED_LENGTH_LIMIT) this.names.set(name, quoted);
    }
    return quoted;
  }
}
