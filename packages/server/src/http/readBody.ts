import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { HttpError } from './HttpError.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

function tooLarge(limit: number, what: string): HttpError {
  return new HttpError(413, `request body ${what} is larger than the limit of ${limit} bytes; send smaller batches or raise --max-body`, { limit }, { Connection: 'close' });
}

/**
 * Reads a request body up to `limit` bytes, before and after decompression (`Content-Encoding: gzip` or
 * `deflate`), so neither a large upload nor a small gzip bomb gets past the limit. Throws HttpError 413/415.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    throw new HttpError(415, `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip, deflate or no encoding`);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, `(Content-Length ${declared})`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit, '');
      chunks.push(chunk);
    }
  } catch (error) {
    // The client went away, or was cut off by the request timeout (a slow sender): not a server fault.
    if (!(error instanceof HttpError) && request.destroyed) throw new HttpError(408, 'the connection closed before the whole body arrived');
    throw error;
  }
  const raw = Buffer.concat(chunks, size);
  if (encoding === 'identity') return raw;
  try {
    const options = { maxOutputLength: limit };
    return encoding === 'deflate' ? await inflateAsync(raw, options) : await gunzipAsync(raw, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge(limit, 'after decompression');
    throw new HttpError(400, `the body is not valid ${encoding} data: ${(error as Error).message}`);
  }
}
