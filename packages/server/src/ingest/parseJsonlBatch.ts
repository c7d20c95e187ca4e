import type { NormalizedRecord } from '@aitrace/format';
import { LineReader, type LineProblem, type ReadBatch } from '@aitrace/forest';
import { checkIngestRecord } from './checkIngestRecord.js';

/** The records of a JSONL batch and the lines that are not storable records (1-based line numbers). */
export interface ParsedBatch {
  records: NormalizedRecord[];
  /** The first bad lines, in line order: all of them, or `maxProblems` when there are more. */
  problems: LineProblem[];
  /** How many lines are bad in all, listed or not. */
  problemCount: number;
}

/** Options of `parseJsonlBatch`. */
export interface ParseJsonlOptions {
  /** Most problems kept in `problems` (the rest are only counted), so a batch of bad lines costs little (default: all). */
  maxProblems?: number;
}

// Text is fed to the line reader in slices of about this size, cut at a newline, so problems can be dropped as they come.
const SLICE_CHARS = 1 << 16;

/** Reads a JSONL request body: each non-blank line must be a record `normalizeRecord` accepts, with ids on span records. */
export function parseJsonlBatch(text: string, options: ParseJsonlOptions = {}): ParsedBatch {
  return parseLines(text, options.maxProblems ?? Number.POSITIVE_INFINITY, undefined);
}

/** Parses `text` line by line; lines listed in `brokenLines` are problems already and skipped. */
function parseLines(text: string, maxProblems: number, brokenLines: ReadonlySet<number> | undefined): ParsedBatch {
  const reader = new LineReader();
  const records: NormalizedRecord[] = [];
  const problems: LineProblem[] = [];
  let problemCount = 0;
  const take = (batch: ReadBatch): void => {
    // Both lists are in line order; merged, the problems stay in line order across records and lines.
    const found: LineProblem[] = brokenLines === undefined ? [...batch.problems] : batch.problems.filter((p) => !brokenLines.has(p.line));
    for (const { line, record } of batch.records) {
      if (brokenLines?.has(line) === true) continue;
      const problem = checkIngestRecord(record);
      if (problem === undefined) records.push(record);
      else found.push({ line, message: problem });
    }
    found.sort((a, b) => a.line - b.line);
    problemCount += found.length;
    for (const problem of found) if (problems.length < maxProblems) problems.push(problem);
  };
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', Math.min(start + SLICE_CHARS, text.length - 1));
    const end = newline === -1 ? text.length : newline + 1;
    take(reader.push(text.slice(start, end)));
    start = end;
  }
  take(reader.end());
  return { records, problems, problemCount };
}

/** The lines (1-based) of a body that are not valid UTF-8; a newline byte never occurs inside a UTF-8 sequence. */
function invalidUtf8Lines(body: Uint8Array): number[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: number[] = [];
  for (let start = 0, line = 1; start <= body.length; line++) {
    const newline = body.indexOf(0x0a, start);
    const end = newline === -1 ? body.length : newline;
    try {
      decoder.decode(body.subarray(start, end));
    } catch {
      lines.push(line);
    }
    start = end + 1;
  }
  return lines;
}

const NOT_UTF8 = 'not valid UTF-8: send text encoded as UTF-8';

/**
 * Reads a JSONL request body as `parseJsonlBatch` does. Lines that are not valid UTF-8 are problems too (rather
 * than text with U+FFFD in it), reported together with every other bad line.
 */
export function parseJsonlBody(body: Uint8Array, options: ParseJsonlOptions = {}): ParsedBatch {
  const maxProblems = options.maxProblems ?? Number.POSITIVE_INFINITY;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return parseLines(text, maxProblems, undefined);
  const broken = invalidUtf8Lines(body);
  const batch = parseLines(new TextDecoder('utf-8').decode(body), maxProblems, new Set(broken));
  const merged = [...broken.slice(0, maxProblems).map((line) => ({ line, message: NOT_UTF8 })), ...batch.problems].sort((a, b) => a.line - b.line);
  return { records: batch.records, problems: merged.slice(0, maxProblems), problemCount: broken.length + batch.problemCount };
}
