import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import {
  durationMs,
  formatHrTime,
  jsonString,
  resourceMeta,
  spanKindName,
  statusName,
  stringifyValue,
  type CodeLocation,
  type ResourceMeta,
} from '@aitrace/format';
import { parentSpanId, spanScope } from './sdkSpanInput.js';

interface QuotedName {
  name: string;
  start: string;
  end: string;
}

const CACHE_LIMIT = 10_000;
// Longer names are quoted each time: the cache holds repeating names, not whatever huge string an app passes.
const CACHED_LENGTH_LIMIT = 256;

function locationJson(location: CodeLocation): string {
  let out = '';
  if (location.file !== undefined) out += `,"file":${jsonString(location.file)}`;
  if (location.line !== undefined && Number.isFinite(location.line)) out += `,"line":${location.line}`;
  if (location.column !== undefined && Number.isFinite(location.column)) out += `,"column":${location.column}`;
  if (location.function !== undefined) out += `,"function":${jsonString(location.function)}`;
  return out;
}

// The `service` and `resource` members of a resource, serialised once (resourceMeta caches per settled resource).
const resourceJsonCache = new WeakMap<ResourceMeta, string>();

function resourceJson(origin: ResourceMeta): string {
  let json = resourceJsonCache.get(origin);
  if (json === undefined) {
    json = origin.service === undefined ? '' : `,"service":${jsonString(origin.service)}`;
    if (origin.resource !== undefined) json += `,"resource":${stringifyValue(origin.resource)}`;
    resourceJsonCache.set(origin, json);
  }
  return json;
}

/**
 * Builds the `__tracer_meta__` members of span start and end records directly as JSON text, with the same rules
 * (`@aitrace/format`'s spanStartMeta/spanEndMeta), fields and order as the metadata the general encoder writes.
 * Names, resources and scopes repeat from span to span, so their quoted forms are cached.
 */
export class SpanMetaJson {
  private readonly names = new Map<string, QuotedName>();
  private readonly strings = new Map<string, string>();
  // A provider has one resource: the last settled one and its text skip the cache lookups on the common path.
  private lastResource: object | undefined;
  private lastResourceJson = '';
  private lastPid = 0;

  constructor(private readonly pid: number) {}

  /** Members of a `<name>.start` record. */
  start(span: Span, location: CodeLocation): string | undefined {
    if (span.links.length > 0) return undefined;
    const name = this.quotedName(span.name);
    return `"timestamp":"${formatHrTime(span.startTime)}","event":${name.start},"type":"span_start",${this.identity(span, name)}${locationJson(location)},"provisional":true${this.origin(span)}`;
  }

  /** Members of a `<name>.end` record; undefined for what the general encoder must write (links, dropped counts). */
  end(span: ReadableSpan, location: CodeLocation): string | undefined {
    if (span.links.length > 0 || span.droppedAttributesCount > 0 || span.droppedEventsCount > 0 || span.droppedLinksCount > 0) return undefined;
    const name = this.quotedName(span.name);
    const status = `,"status":"${statusName(span.status.code)}"${span.status.message ? `,"status_message":${jsonString(span.status.message)}` : ''}`;
    const timing = `,"start_time":"${formatHrTime(span.startTime)}","duration_ms":${durationMs(span.startTime, span.endTime)}`;
    return `"timestamp":"${formatHrTime(span.endTime)}","event":${name.end},"type":"span_end",${this.identity(span, name)}${status}${locationJson(location)}${timing}${this.origin(span)}`;
  }

  private identity(span: ReadableSpan | Span, name: QuotedName): string {
    const context = span.spanContext();
    const parent = parentSpanId(span);
    const parentJson = parent === undefined ? '' : `,"parent_span_id":${jsonString(parent)}`;
    return `"trace_id":${jsonString(context.traceId)},"span_id":${jsonString(context.spanId)}${parentJson},"name":${name.name},"kind":"${spanKindName(span.kind)}"`;
  }

  private origin(span: ReadableSpan | Span): string {
    const resource = span.resource as (typeof span.resource & { asyncAttributesPending?: boolean }) | undefined;
    if (resource === undefined || resource !== this.lastResource) {
      const origin = resourceMeta(resource);
      this.lastResource = resource?.asyncAttributesPending === true ? undefined : resource;
      this.lastResourceJson = resourceJson(origin);
      this.lastPid = origin.pid ?? this.pid;
    }
    const scope = spanScope(span);
    let out = this.lastResourceJson;
    if (scope !== undefined && scope.name !== '') {
      out += `,"scope":${this.quoted(scope.name)}`;
      if (scope.version) out += `,"scope_version":${this.quoted(scope.version)}`;
    }
    return `${out},"pid":${this.lastPid}`;
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
