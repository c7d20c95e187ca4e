/** The rules that turn OpenTelemetry values into record fields, shared by every writer and the OTLP readers. */

import { SPAN_KIND_NAMES, STATUS_CODE_NAMES, type SpanKindName, type StatusName } from '../enumerations.js';
import { defineData } from '../safeJson.js';
import type { AttributesInput, HrTimeInput, ResourceInput, ScopeInput } from './TelemetryInput.js';

/** The record `kind` of an API SpanKind number; unknown numbers are `internal`. */
export function spanKindName(kind: number): SpanKindName {
  return SPAN_KIND_NAMES[kind] ?? 'internal';
}

/** The record `status` of an API SpanStatusCode number; unknown numbers are `unset`. */
export function statusName(code: number): StatusName {
  return STATUS_CODE_NAMES[code] ?? 'unset';
}

/** Call-site fields of a record. */
export interface CodeLocation {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  function?: string | undefined;
}

/** Call-site metadata taken from the `code.*` semantic-convention attributes (current and older names). */
export function codeLocation(attributes: AttributesInput): CodeLocation {
  const out: CodeLocation = {};
  const file = attributes['code.file.path'] ?? attributes['code.filepath'];
  const line = attributes['code.line.number'] ?? attributes['code.lineno'];
  const column = attributes['code.column.number'] ?? attributes['code.column'];
  const fn = attributes['code.function.name'] ?? attributes['code.function'];
  if (typeof file === 'string') out.file = file;
  if (typeof line === 'number' && Number.isInteger(line) && line >= 1) out.line = line;
  if (typeof column === 'number' && Number.isInteger(column) && column >= 1) out.column = column;
  if (typeof fn === 'string') out.function = fn;
  return out;
}

/** The time from `start` to `end` in milliseconds with microsecond precision (never negative). */
export function durationMs(start: HrTimeInput, end: HrTimeInput): number {
  const micros = Math.round((end[0] - start[0]) * 1e6 + (end[1] - start[1]) / 1e3);
  return micros > 0 ? micros / 1e3 : 0;
}

/** What a resource contributes to a record: `service` (its `service.name`) and `resource` (every other attribute). */
export interface ResourceMeta {
  service?: string;
  resource?: Record<string, unknown>;
  /** `process.pid` of the resource, when it has one. */
  pid?: number;
}

const NO_RESOURCE: ResourceMeta = Object.freeze({});
const resourceCache = new WeakMap<object, ResourceMeta>();

/**
 * The record fields of a resource. `service.name` is written as `service` and not repeated in `resource`.
 * Cached per resource object (writers reuse one resource for every span); a resource whose asynchronous
 * attributes are still pending is read again next time.
 */
export function resourceMeta(resource: ResourceInput | undefined): ResourceMeta {
  if (resource === undefined || resource === null) return NO_RESOURCE;
  const cached = resourceCache.get(resource);
  if (cached !== undefined) return cached;
  const out: ResourceMeta = {};
  try {
    const attributes = resource.attributes;
    let rest: Record<string, unknown> | undefined;
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      if (value === undefined) continue;
      // service.name and process.pid have fields of their own (service, pid), so they are not repeated in resource.
      if (key === 'service.name' && typeof value === 'string') out.service = value;
      else if (key === 'process.pid' && typeof value === 'number' && Number.isInteger(value) && value >= 0) out.pid = value;
      else defineData((rest ??= {}), key, value);
    }
    if (rest !== undefined) out.resource = rest;
  } catch {
    // A resource whose attributes cannot be read contributes nothing rather than failing the record.
    return NO_RESOURCE;
  }
  if ((resource as { asyncAttributesPending?: boolean }).asyncAttributesPending !== true) resourceCache.set(resource, out);
  return out;
}

/** The `scope` and `scope_version` fields of an instrumentation scope. */
export function scopeMeta(scope: ScopeInput | undefined): { scope?: string; scope_version?: string } {
  const out: { scope?: string; scope_version?: string } = {};
  if (scope === undefined) return out;
  if (typeof scope.name === 'string' && scope.name !== '') out.scope = scope.name;
  if (typeof scope.version === 'string' && scope.version !== '') out.scope_version = scope.version;
  return out;
}
