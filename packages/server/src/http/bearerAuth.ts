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
  if (hasBearerToken(request.headers.authorization, token)) return true;
  const given = request.method === 'GET' ? url.searchParams.get('access_token') : null;
  return given !== null && tokensMatch(given, token);
}

/** Whether an `Authorization` value (an HTTP header or gRPC metadata) is `Bearer <token>`, compared in constant time. */
export function hasBearerToken(authorization: unknown, token: string): boolean {
  const match = typeof authorization === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization) : null;
  return match !== null && tokensMatch(match[1]!, token);
}

function tokensMatch(given: string, token: string): boolean {
  // Comparing fixed-length digests keeps the time independent of where (and whether) the tokens differ.
  return timingSafeEqual(digest(given), digest(token));
}
