import type { NormalizedRecord } from '@aitrace/format';

/**
 * Deepest nesting the server stores in a record's metadata or user data. SQLite's JSON functions (behind the
 * attribute filter and the text search) refuse JSON nested 1000 levels deep, so one such row would break those
 * queries for every trace; aitrace writers cut values at 64 levels.
 */
export const MAX_RECORD_DEPTH = 500;

/** Whether a parsed JSON value nests objects and arrays more than `max` levels deep (a value itself is level 1). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  // An explicit stack: a recursive walk would itself overflow on the values this guards against.
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth > max) return true;
    for (const child of Object.values(item.value)) if (child !== null && typeof child === 'object') stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/** Why the server cannot store a normalized record, or undefined when it can: span records need their ids. */
export function checkIngestRecord(record: NormalizedRecord): string | undefined {
  if (record.type !== 'log') {
    const missing = [record.traceId === undefined ? 'trace_id' : '', record.spanId === undefined ? 'span_id' : ''].filter((f) => f !== '');
    if (missing.length > 0)
      return `__tracer_meta__.${missing.join(' and __tracer_meta__.')} ${missing.length > 1 ? 'are' : 'is'} required on ${record.type} records`;
  }
  if (nestedDeeperThan(record.meta, MAX_RECORD_DEPTH))
    return `__tracer_meta__ is nested more than ${MAX_RECORD_DEPTH} levels deep, the most the server stores; flatten it`;
  for (const [key, value] of Object.entries(record.attrs)) {
    if (nestedDeeperThan(value, MAX_RECORD_DEPTH))
      return `${JSON.stringify(key)} is nested more than ${MAX_RECORD_DEPTH} levels deep, the most the server stores; flatten it`;
  }
  return undefined;
}
