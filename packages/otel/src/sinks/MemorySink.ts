import type { Sink } from './Sink.js';

/** Keeps written lines in memory; for tests and for collecting one run's records (BufferedTrace). */
export class MemorySink implements Sink {
  private readonly chunks: Buffer[] = [];
  private closed = false;

  /** Every line written so far, without newlines. */
  lines(): string[] {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return text === '' ? [] : text.slice(0, -1).split('\n');
  }

  /** Every record written so far, parsed. */
  records(): Record<string, unknown>[] {
    return this.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Forgets the lines written so far. */
  clear(): void {
    this.chunks.length = 0;
  }

  write(chunk: Buffer): Promise<void> {
    this.writeSync(chunk);
    return Promise.resolve();
  }

  writeSync(chunk: Buffer): void {
    if (this.closed) throw new Error('MemorySink is closed');
    this.chunks.push(Buffer.from(chunk));
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  closeSync(): void {
    this.closed = true;
  }
}
