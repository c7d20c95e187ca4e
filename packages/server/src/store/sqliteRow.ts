import type { NormalizedRecord } from '@aitrace/format';
import { readStoredRecord } from './ingestFold.js';

/** A stored row of `spans` or `records`: the record without its user data, and the user data, as JSON. */
export interface StoredRow {
  record: string;
  attrs: string;
}

/** The normalized record of a stored row. */
export function readRow(row: StoredRow): NormalizedRecord {
  return readStoredRecord(row.record, row.attrs);
}
