import type { ServerResponse } from 'node:http';

/** Headers every response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The Content-Security-Policy of HTML pages: scripts, styles and connections from this server only, no framing. */
export const HTML_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sends a JSON response (never cached: traces change). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(response, status, JSON.stringify(body), headers);
}

/** Sends JSON text that is already serialised. */
export function sendJsonText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/**
 * Sends `head`, the items joined by `separator`, and `tail` in chunks of about 1 MiB, each written once the client
 * took the last: an answer as big as a trace of a million spans never has to be one string (which V8 caps at
 * 512 MiB) nor be held whole in the socket's buffer. Stops early when the client goes away.
 */
export async function sendJoined(
  response: ServerResponse,
  status: number,
  contentType: string,
  parts: { head: string; items: readonly string[]; separator: string; tail: string },
  headers: Record<string, string> = {},
): Promise<void> {
  response.writeHead(status, { ...BASE_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  let chunk = parts.head;
  for (let i = 0; i < parts.items.length; i++) {
    chunk += (i === 0 ? '' : parts.separator) + parts.items[i]!;
    if (chunk.length < CHUNK_CHARS) continue;
    if (!(await writeChunk(response, chunk))) return;
    chunk = '';
  }
  if (await writeChunk(response, chunk + parts.tail)) response.end();
}

const CHUNK_CHARS = 1 << 20;

/** Sends texts as they come (a store's chunks of a big answer), each written once the client took the last; stops reading them when the client goes away. */
export async function sendTextChunks(
  response: ServerResponse,
  status: number,
  contentType: string,
  texts: AsyncIterable<string>,
  headers: Record<string, string> = {},
): Promise<void> {
  response.writeHead(status, { ...BASE_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  for await (const text of texts) if (!(await writeChunk(response, text))) return;
  response.end();
}

/** Writes a chunk, waiting for `drain` when the socket's buffer is full; false once the client is gone. */
async function writeChunk(response: ServerResponse, chunk: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
  return !response.destroyed;
}

/** Sends a plain-text response. */
export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(text);
}
