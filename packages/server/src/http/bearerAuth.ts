import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Checks a request against the server token in constant time: `Authorization: Bearer <token>`, or the
 * `access_token` query parameter on GET (browsers cannot set headers on EventSource).
 */
export function hasValidToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const given = match?.[1] ?? (request.method === 'GET' ? url.searchParams.get('access_token') : null);
  if (given === null || given === undefined) return false;
  // Comparing fixed-length digests keeps the time independent of where (and whether) the tokens differ.
  return timingSafeEqual(digest(given), digest(token));
}
