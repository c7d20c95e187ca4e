import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { SpanKindName, StatusName } from '@aitrace/format';

/** OpenTelemetry SpanKind values (0-4) as record `kind` names. */
export const KIND_NAMES: readonly SpanKindName[] = ['internal', 'server', 'client', 'producer', 'consumer'];

/** OpenTelemetry SpanStatusCode values (0-2) as record `status` names. */
export const STATUS_NAMES: readonly StatusName[] = ['unset', 'ok', 'error'];

/** TraceFlags.SAMPLED. */
export const SAMPLED = 1;

/** Call-site metadata taken from the `code.*` semantic-convention attributes (old and new names). */
export function codeLocation(attributes: Attributes): { file?: string; line?: number; column?: number; function?: string } {
  const out: { file?: string; line?: number; column?: number; function?: string } = {};
  const file = attributes['code.file.path'] ?? attributes['code.filepath'];
  const line = attributes['code.line.number'] ?? attributes['code.lineno'];
  const column = attributes['code.column.number'] ?? attributes['code.column'];
  const fn = attributes['code.function.name'] ?? attributes['code.function'];
  if (typeof file === 'string') out.file = file;
  if (typeof line === 'number' && line >= 1) out.line = line;
  if (typeof column === 'number' && column >= 1) out.column = column;
  if (typeof fn === 'string') out.function = fn;
  return out;
}

/** Microseconds in an HrTime duration, as milliseconds with microsecond precision. */
export function durationMs(duration: HrTime): number {
  return Math.round(duration[0] * 1e6 + duration[1] / 1e3) / 1e3;
}

/** Whether the span context was sampled (unsampled, record-only spans are not written). */
export function isSampled(context: SpanContext): boolean {
  return (context.traceFlags & SAMPLED) === SAMPLED;
}

const serviceCache = new WeakMap<object, string | undefined>();

/** `service.name` of a resource, cached per resource object. */
export function serviceName(resource: { attributes: Attributes } | undefined): string | undefined {
  if (resource === undefined) return undefined;
  if (serviceCache.has(resource)) return serviceCache.get(resource);
  let name: string | undefined;
  try {
    const value = resource.attributes['service.name'];
    name = typeof value === 'string' ? value : undefined;
  } catch {
    name = undefined;
  }
  serviceCache.set(resource, name);
  return name;
}
