import { QueryError } from './QueryError.js';
import type { SortOrder, TraceSort } from './TraceStore.js';

/** Position in a sorted trace list: the sort key and id of the last trace of a page. */
export interface TraceCursor {
  /** The value sorted by (start time, duration, span or error count) of the last trace. */
  key: number;
  traceId: string;
  sort: TraceSort;
  order: SortOrder;
}

/** Position in a log list: the time and store row id of the last log of a page. */
export interface LogCursor {
  timeUs: number;
  /** The store's row id (a number in SQLite, any text elsewhere), which breaks ties of equal times. */
  id: number | string;
  order: SortOrder;
}

function encode(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decode(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const INVALID = 'cursor is not valid: pass the nextCursor of a previous page unchanged';

/** Encodes a trace-list position as an opaque, URL-safe cursor (the default order keeps its two-value form). */
export function encodeTraceCursor(cursor: TraceCursor): string {
  const values: unknown[] = [cursor.key, cursor.traceId];
  if (cursor.sort !== 'start' || cursor.order !== 'desc') values.push(cursor.sort, cursor.order);
  return encode(values);
}

/** Decodes a cursor from `encodeTraceCursor`; throws a QueryError naming the parameter, also when it was made for another order. */
export function decodeTraceCursor(text: string, sort: TraceSort = 'start', order: SortOrder = 'desc'): TraceCursor {
  const value = decode(text);
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4) || !Number.isSafeInteger(value[0]) || typeof value[1] !== 'string')
    throw new QueryError(INVALID);
  const [cursorSort, cursorOrder] = value.length === 4 ? [value[2], value[3]] : ['start', 'desc'];
  if (cursorSort !== sort || cursorOrder !== order) {
    throw new QueryError(
      `cursor belongs to the list sorted by ${String(cursorSort)} ${String(cursorOrder)}, not ${sort} ${order}: start again without a cursor`,
    );
  }
  return { key: value[0] as number, traceId: value[1], sort, order };
}

/** Encodes a log-list position as an opaque, URL-safe cursor. */
export function encodeLogCursor(cursor: LogCursor): string {
  return encode([cursor.timeUs, cursor.id, cursor.order]);
}

/** Decodes a cursor from `encodeLogCursor`; throws a QueryError naming the parameter. */
export function decodeLogCursor(text: string, order: SortOrder): LogCursor {
  const value = decode(text);
  if (!Array.isArray(value) || value.length !== 3 || !Number.isSafeInteger(value[0]) || (typeof value[1] !== 'number' && typeof value[1] !== 'string'))
    throw new QueryError(INVALID);
  if (value[2] !== order)
    throw new QueryError(`cursor belongs to the ${value[2] === 'asc' ? 'oldest' : 'newest'}-first list, not this order: start again without a cursor`);
  return { timeUs: value[0] as number, id: value[1], order };
}
