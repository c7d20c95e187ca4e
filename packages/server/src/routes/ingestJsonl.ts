import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LineProblem } from '@aitrace/forest';
import { HttpError } from '../http/HttpError.js';
import { readBody } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import { parseJsonlBody } from '../ingest/parseJsonlBatch.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * Media types a JSONL batch may be sent as. None is a type a web page may send across origins without asking
 * first (text/plain, form types), so a page on another site cannot post records.
 */
export const JSONL_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/json-lines',
  'application/jsonlines',
  'application/x-jsonlines',
  'application/json',
];

/** Most bad lines a 400 answer lists; the others are only counted. */
export const MAX_LISTED_PROBLEMS = 100;

/** Longest problem message in an answer, characters; messages quote values, which may be long. */
const MAX_MESSAGE_CHARS = 300;

/** Decodes UTF-8, or answers 400: a broken byte sequence would otherwise turn into U+FFFD silently. */
export function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'the body is not valid UTF-8');
  }
}

/** The media type of a request, lowercased, without parameters ('' when none is sent). */
function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function shortened(problem: LineProblem): LineProblem {
  return problem.message.length <= MAX_MESSAGE_CHARS ? problem : { line: problem.line, message: `${problem.message.slice(0, MAX_MESSAGE_CHARS)}…` };
}

/**
 * `POST /api/ingest`: stores a batch of JSONL records. The whole batch is refused (400, nothing stored)
 * when any line is bad; the answer names the first bad lines and counts all, so the client can fix them.
 */
export async function ingestJsonl(request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const type = mediaTypeOf(request);
  if (!JSONL_TYPES.includes(type)) {
    const given = type === '' ? 'no Content-Type' : `Content-Type ${JSON.stringify(type)}`;
    throw new HttpError(415, `${given} is not accepted here; send JSONL with Content-Type ${JSONL_TYPES.join(', ')}`, { acceptedTypes: JSONL_TYPES });
  }
  const body = await readBody(request, context.maxBodyBytes, { maxLines: context.maxBatchLines });
  const { records, problems, problemCount } = parseJsonlBody(body, { maxProblems: MAX_LISTED_PROBLEMS });
  if (problemCount > 0) {
    const lines = problems.map((p) => p.line).join(', ');
    const unlisted = problemCount - problems.length;
    const more = unlisted > 0 ? ` and ${unlisted} more not listed` : '';
    throw new HttpError(
      400,
      `${problemCount} bad line${problemCount > 1 ? 's' : ''} (line ${lines}${more}); the whole batch was refused and nothing was stored`,
      {
        accepted: 0,
        rejected: problemCount,
        problems: problems.map(shortened),
      },
    );
  }
  const changes = await context.ingest(records);
  sendJson(response, 200, { accepted: changes.accepted, traces: changes.traces.length });
}
