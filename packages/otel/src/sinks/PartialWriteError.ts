import { fstatSync, ftruncateSync } from 'node:fs';

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

const NEWLINE = 0x0a;

/** The error of a chunk write, carrying how many bytes of the chunk are in the file as whole lines. */
export function withProgress(error: unknown, done: number): PartialWriteError {
  const partial = error instanceof PartialWriteError;
  const message = error instanceof Error ? error.message : String(error);
  return new PartialWriteError(message, done + (partial ? error.bytesWritten : 0), { cause: partial ? error.cause : error });
}

/** Bytes of whole lines in the first `count` bytes of the chunks. */
export function wholeLinesIn(chunks: readonly Buffer[], count: number): number {
  let offset = 0;
  let whole = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, count - offset);
    if (take <= 0) break;
    const last = chunk.lastIndexOf(NEWLINE, take - 1);
    if (last >= 0) whole = offset + last + 1;
    offset += take;
  }
  return whole;
}

/**
 * The one place a cut line is removed. A write that fails midway (disk full, file size limit) may end in part of a
 * line, which would glue onto the next record. The whole lines that landed stay; the cut one is truncated away
 * again, unless another process appended since (then it stays, and the retry writes the line whole after it).
 * `sizeBefore` is the file's size when the write was issued, `landed` how many of its bytes are in the file.
 * Returns the bytes of whole lines kept.
 */
export function removeCutLine(fd: number, sizeBefore: number, chunks: readonly Buffer[], landed: number): number {
  if (landed <= 0) return 0;
  const whole = wholeLinesIn(chunks, landed);
  try {
    if (whole < landed && fstatSync(fd).size === sizeBefore + landed) ftruncateSync(fd, sizeBefore + whole);
  } catch {
    // The write error itself is what gets reported.
  }
  return whole;
}
