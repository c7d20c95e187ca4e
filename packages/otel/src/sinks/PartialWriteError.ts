/**
 * A write that failed after part of its chunk reached the destination. `bytesWritten` counts whole lines from the
 * start of the chunk (a sink never reports half a line as written), so the writer retries only the lines after them.
 */
export class PartialWriteError extends Error {
  constructor(
    message: string,
    /** Bytes of whole lines, from the start of the chunk, that are at the destination. */
    readonly bytesWritten: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PartialWriteError';
  }
}

/** How many bytes of a failed chunk are known to be written (0 unless the error says so). */
export function bytesWrittenBefore(error: unknown): number {
  const bytes = (error as { bytesWritten?: unknown } | null)?.bytesWritten;
  return typeof bytes === 'number' && bytes > 0 ? bytes : 0;
}
