/** Lines taken from a `ByteQueue`: their UTF-8 bytes, each line ending in `\n`, and how many there are. */
export interface Batch {
  chunks: Buffer[];
  lines: number;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Queued lines as UTF-8 bytes in 64 KiB chunks. A line is encoded once, when it is pushed; taking a batch hands
 * out the chunks without copying them. A chunk is filled up across takes, so a slow trickle
 * of lines does not allocate a chunk per line.
 */
export class ByteQueue {
  /** Lines queued. */
  lines = 0;
  private readonly sealed: Buffer[] = [];
  private chunk: Buffer = Buffer.allocUnsafe(0);
  private start = 0;
  private end = 0;

  /** Appends one line (without its newline). */
  push(line: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.end + room > this.chunk.length) {
      this.seal();
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      this.start = 0;
      this.end = 0;
    }
    this.end += this.chunk.write(line, this.end);
    this.chunk[this.end++] = NEWLINE;
    this.lines++;
  }

  /** Removes and returns everything queued, oldest first. */
  take(): Batch {
    this.seal();
    const batch = { chunks: this.sealed.splice(0), lines: this.lines };
    this.lines = 0;
    return batch;
  }

  /**
   * Puts a batch back in front (a write that failed), keeping at most `room` of its newest lines.
   * Returns how many lines were kept.
   */
  unshift(batch: Batch, room: number): number {
    let chunks = batch.chunks;
    let lines = batch.lines;
    if (lines > room) {
      // Drop the oldest lines: whole chunks first, then up to a newline inside the next one.
      const kept: Buffer[] = [];
      let skip = lines - room;
      for (const chunk of chunks) {
        let cut = 0;
        while (skip > 0 && cut < chunk.length) {
          cut = chunk.indexOf(NEWLINE, cut) + 1;
          skip--;
        }
        if (cut < chunk.length) kept.push(chunk.subarray(cut));
      }
      chunks = kept;
      lines = room;
    }
    if (lines === 0) return 0;
    this.sealed.unshift(...chunks);
    this.lines += lines;
    return lines;
  }

  /** Moves the lines written into the current chunk since the last take into the sealed list. */
  private seal(): void {
    if (this.end === this.start) return;
    this.sealed.push(this.chunk.subarray(this.start, this.end));
    this.start = this.end;
  }
}
