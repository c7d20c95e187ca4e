/**
 * A destination for encoded records. Every chunk handed to a sink is one or more complete lines, each ending
 * in `\n`; a sink never sees half a line, so it can rotate or buffer without splitting one.
 */
export interface Sink {
  /** Writes a chunk; resolves once the destination accepted it, rejects with the write error. */
  write(chunk: string): Promise<void>;
  /** Writes a chunk before returning (sync mode and exit flushes); throws the write error. */
  writeSync(chunk: string): void;
  /** Resolves when everything written so far reached the destination. */
  flush(): Promise<void>;
  /** Releases the destination; later writes fail. */
  close(): Promise<void>;
  /** Releases the destination before returning (used at process exit). */
  closeSync(): void;
}
