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
