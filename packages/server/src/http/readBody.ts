import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { HttpError } from './HttpError.js';

/** Limits beyond the byte limit that a route may put on a body. */
export interface BodyLimits {
  /** Most lines (newline-separated) the decoded body may hold, checked as it arrives, before any parsing. */
  maxLines?: number;
}

function tooLarge(limit: number, what: string): HttpError {
  return new HttpError(
    413,
    `request body ${what} is larger than the limit of ${limit} bytes; send smaller batches or raise --max-body`,
    { limit },
    { Connection: 'close' },
  );
}

function tooManyLines(maxLines: number): HttpError {
  return new HttpError(
    413,
    `request body has more than ${maxLines} lines, the most one batch may hold; send smaller batches or raise --max-lines`,
    { maxLines },
    { Connection: 'close' },
  );
}

/** Counts the newline bytes of a chunk. */
function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) count++;
  return count;
}

/**
 * Reads a request body up to `limit` bytes, before and after decompression (`Content-Encoding: gzip` or
 * `deflate`). Decompression streams, and the request is refused (HttpError 413) the moment either count passes
 * its limit, or the line count passes `limits.maxLines`: a small gzip bomb costs no more than `limit` bytes of
 * memory and the work to inflate them. Throws HttpError 400 (bad compressed data), 408 (client went away), 415.
 */
export function readBody(request: IncomingMessage, limit: number, limits: BodyLimits = {}): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    return Promise.reject(new HttpError(415, `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip, deflate or no encoding`));
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit, `(Content-Length ${declared})`));
  const maxLines = limits.maxLines ?? Number.POSITIVE_INFINITY;
  const inflater: Gunzip | Inflate | undefined = encoding === 'identity' ? undefined : encoding === 'deflate' ? createInflate() : createGunzip();

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let size = 0;
    let newlines = 0;
    let settled = false;

    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) return fail(tooLarge(limit, ''));
      if (inflater === undefined) return collect(chunk, '');
      // Backpressure: the inflater may hold a few chunks, never the whole upload.
      if (!inflater.write(chunk)) {
        request.pause();
        inflater.once('drain', () => {
          if (!settled) request.resume();
        });
      }
    };
    const collect = (chunk: Buffer, what: string): void => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit, what));
      newlines += countNewlines(chunk);
      if (newlines > maxLines) return fail(tooManyLines(maxLines));
      chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      const body = Buffer.concat(chunks, size);
      // A last line without a newline counts as a line too.
      if (newlines + (size > 0 && body[size - 1] !== 0x0a ? 1 : 0) > maxLines) return fail(tooManyLines(maxLines));
      settled = true;
      cleanup();
      resolve(body);
    };
    const onEnd = (): void => {
      if (inflater === undefined) finish();
      else inflater.end();
    };
    // The client went away, or was cut off by the request timeout (a slow sender): not a server fault.
    const onClose = (): void => {
      if (!request.complete) fail(new HttpError(408, 'the connection closed before the whole body arrived'));
    };
    const onInflateError = (error: Error): void => fail(new HttpError(400, `the body is not valid ${encoding} data: ${error.message}`));
    const onInflated = (chunk: Buffer): void => collect(chunk, 'after decompression');
    function cleanup(): void {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      request.off('error', onClose);
      inflater?.off('data', onInflated);
      inflater?.off('end', finish);
      inflater?.destroy();
    }
    function fail(error: HttpError): void {
      if (settled) return;
      settled = true;
      cleanup();
      // Reading stops here; the answer carries Connection: close, so the rest of the upload is never read.
      request.pause();
      reject(error);
    }

    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onClose);
    request.on('error', onClose);
    if (inflater !== undefined) {
      inflater.on('data', onInflated);
      inflater.on('end', finish);
      // Kept after cleanup: destroying the inflater may still report an error, which must not go unhandled.
      inflater.on('error', onInflateError);
    }
  });
}
