import type { NormalizedRecord } from '@aitrace/format';
import { readJsonl, type LineProblem } from '@aitrace/forest';
import { checkIngestRecord } from './checkIngestRecord.js';

/** The records of a JSONL batch and every line that is not a storable record (1-based line numbers). */
export interface ParsedBatch {
  records: NormalizedRecord[];
  problems: LineProblem[];
}

/** Reads a JSONL request body: each non-blank line must be a record `normalizeRecord` accepts, with ids on span records. */
export function parseJsonlBatch(text: string): ParsedBatch {
  const batch = readJsonl(text);
  const records: NormalizedRecord[] = [];
  const problems = [...batch.problems];
  for (const { line, record } of batch.records) {
    const problem = checkIngestRecord(record);
    if (problem === undefined) records.push(record);
    else problems.push({ line, message: problem });
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, problems };
}

/** The lines (1-based) of a body that are not valid UTF-8; a newline byte never occurs inside a UTF-8 sequence. */
function invalidUtf8Lines(body: Uint8Array): LineProblem[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const problems: LineProblem[] = [];
  for (let start = 0, line = 1; start <= body.length; line++) {
    const newline = body.indexOf(0x0a, start);
    const end = newline === -1 ? body.length : newline;
    try {
      decoder.decode(body.subarray(start, end));
    } catch {
      problems.push({ line, message: 'not valid UTF-8: send text encoded as UTF-8' });
    }
    start = end + 1;
  }
  return problems;
}

/**
 * Reads a JSONL request body as `parseJsonlBatch` does. Lines that are not valid UTF-8 are problems too (rather
 * than text with U+FFFD in it), reported together with every other bad line.
 */
export function parseJsonlBody(body: Uint8Array): ParsedBatch {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return parseJsonlBatch(text);
  const broken = invalidUtf8Lines(body);
  const brokenLines = new Set(broken.map((p) => p.line));
  const batch = parseJsonlBatch(new TextDecoder('utf-8').decode(body));
  const problems = [...broken, ...batch.problems.filter((p) => !brokenLines.has(p.line))].sort((a, b) => a.line - b.line);
  return { records: batch.records, problems };
}
