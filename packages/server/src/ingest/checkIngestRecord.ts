import type { NormalizedRecord } from '@aitrace/format';

/**
 * Deepest nesting the server stores in a record's metadata or user data. SQLite's JSON functions (behind the
 * attribute filter and the text search) refuse JSON nested 1000 levels deep, so one such row would break those
 * queries for every trace; aitrace writers cut values at 64 levels.
 */
export const MAX_RECORD_DEPTH = 500;

/**
 * Whether a parsed JSON value nests objects and arrays more than `max` levels deep (a value itself is level 1).
 * The walk stops at level `max + 1`, so its own depth stays bounded however deep the value goes.
 */
function nestedDeeperThan(value: unknown, max: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > max) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeperThan(value[i], max, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], max, depth + 1)) return true;
  return false;
}

/** Why the server cannot store a normalized record, or undefined when it can: span records need their ids. */
export function checkIngestRecord(record: NormalizedRecord): string | undefined {
  if (record.type !== 'log' && (record.traceId === undefined || record.spanId === undefined)) {
    const missing = [record.traceId === undefined ? 'trace_id' : '', record.spanId === undefined ? 'span_id' : ''].filter((f) => f !== '');
    return `__tracer_meta__.${missing.join(' and __tracer_meta__.')} ${missing.length > 1 ? 'are' : 'is'} required on ${record.type} records`;
  }
  if (nestedDeeperThan(record.meta, MAX_RECORD_DEPTH))
    return `__tracer_meta__ is nested more than ${MAX_RECORD_DEPTH} levels deep, the most the server stores; flatten it`;
  for (const key in record.attrs) {
    if (nestedDeeperThan(record.attrs[key], MAX_RECORD_DEPTH))
      return `${JSON.stringify(key)} is nested more than ${MAX_RECORD_DEPTH} levels deep, the most the server stores; flatten it`;
  }
  return undefined;
}
