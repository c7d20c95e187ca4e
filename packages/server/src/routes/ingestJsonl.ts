import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/HttpError.js';
import { readBody } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import { parseJsonlBody } from '../ingest/parseJsonlBatch.js';
import type { ServerContext } from '../ServerContext.js';

/** Media types a JSONL batch may be sent as (no Content-Type is accepted too). */
export const JSONL_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'application/jsonlines', 'text/plain'];

/** Decodes UTF-8, or answers 400: a broken byte sequence would otherwise turn into U+FFFD silently. */
export function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'the body is not valid UTF-8');
  }
}

/**
 * `POST /api/ingest`: stores a batch of JSONL records. The whole batch is refused (400, nothing stored)
 * when any line is bad; the answer names every bad line, so the client can fix them and send again.
 */
export async function ingestJsonl(request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== '' && !JSONL_TYPES.includes(type)) {
    throw new HttpError(415, `Content-Type ${JSON.stringify(type)} is not accepted here; send JSONL as ${JSONL_TYPES.join(', ')}`);
  }
  const { records, problems } = parseJsonlBody(await readBody(request, context.maxBodyBytes));
  if (problems.length > 0) {
    const lines = problems.map((p) => p.line).join(', ');
    throw new HttpError(400, `${problems.length} bad line${problems.length > 1 ? 's' : ''} (line ${lines}); the whole batch was refused and nothing was stored`, {
      accepted: 0,
      rejected: problems.length,
      problems,
    });
  }
  const changes = await context.ingest(records);
  sendJson(response, 200, { accepted: changes.accepted, traces: changes.traces.length });
}
