import { QueryError } from './QueryError.js';

/** Position in the newest-first trace list: the last trace of a page. */
export interface TraceCursor {
  startUs: number;
  traceId: string;
}

/** Encodes a list position as an opaque, URL-safe cursor. */
export function encodeTraceCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify([cursor.startUs, cursor.traceId])).toString('base64url');
}

/** Decodes a cursor from `encodeTraceCursor`, or throws a QueryError naming the parameter. */
export function decodeTraceCursor(text: string): TraceCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== 'string') {
    throw new QueryError('cursor is not valid: pass the nextCursor of a previous page unchanged');
  }
  return { startUs: value[0] as number, traceId: value[1] };
}
