/**
 * A destination for encoded records. Every chunk handed to a sink is UTF-8 bytes of one or more complete lines,
 * each ending in `\n`; a sink never sees half a line, so it can rotate or buffer without splitting one. The writer
 * reuses a chunk's memory once `write` has resolved (or `writeSync` returned): a sink that keeps data copies it.
 */
export interface Sink {
  /**
   * Writes a chunk; resolves once the destination accepted it, rejects with the write error: a `PartialWriteError`
   * when whole lines of it were written before the failure, so that only the rest is retried.
   */
  write(chunk: Buffer): Promise<void>;
  /** Optional: writes several chunks in order, as one write where the destination allows (the writer joins them otherwise). */
  writev?(chunks: readonly Buffer[]): Promise<void>;
  /** Writes a chunk before returning (sync mode and exit flushes); throws the write error, as `write` rejects. */
  writeSync(chunk: Buffer): void;
  /** Resolves when everything written so far reached the destination. */
  flush(): Promise<void>;
  /** Releases the destination; later writes fail. */
  close(): Promise<void>;
  /** Releases the destination before returning (used at process exit). */
  closeSync(): void;
}
