import type { NormalizedRecord } from '@aitrace/format';

/** A stored row of `spans` or `records`: the record without its user data, and the user data, as JSON. */
export interface StoredRow {
  record: string;
  attrs: string;
}

/** The normalized record of a stored row. */
export function readRow(row: StoredRow): NormalizedRecord {
  return { ...(JSON.parse(row.record) as Omit<NormalizedRecord, 'attrs'>), attrs: JSON.parse(row.attrs) as Record<string, unknown> };
}
