import { encodeRecord, plainRecordObject } from '../encodeRecord.js';
import { normalizeRecord } from '../normalizeRecord.js';
import type { NormalizedRecord, TracerMeta } from '../types.js';

/** Records converted from one OTLP request, and the items (spans or log records) that could not be. */
export interface OtlpConversion {
  records: NormalizedRecord[];
  rejected: number;
  /** Why items were rejected (at most a few, for the partialSuccess message). */
  errors: string[];
}

/** The value is not an OTLP export request at all (a receiver answers 400). */
export class OtlpFormatError extends Error {
  override readonly name = 'OtlpFormatError';
}

const MAX_ERRORS = 5;

/** Collects converted records and rejections. */
export class OtlpCollector implements OtlpConversion {
  readonly records: NormalizedRecord[] = [];
  rejected = 0;
  readonly errors: string[] = [];

  /**
   * Normalizes metadata and user data as any reader of the file would read the record: built directly in the
   * common case, else encoded and parsed.
   */
  add(meta: TracerMeta, attrs: Record<string, unknown>): void {
    const result = normalizeRecord(plainRecordObject(meta, attrs) ?? JSON.parse(encodeRecord(meta, attrs)));
    if (result.ok) this.records.push(result.record);
    else this.reject(result.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }

  /** Counts a rejected item and keeps the first few reasons. */
  reject(reason: string): void {
    this.rejected++;
    if (this.errors.length < MAX_ERRORS) this.errors.push(reason);
  }
}
