/** Lines taken from a `ByteQueue`: their UTF-8 bytes in pieces, each line ending in `\n`, and how many there are. */
export interface Batch {
  chunks: Buffer[];
  /** Lines in each of `chunks`. */
  chunkLines: number[];
  lines: number;
  /** Whole chunks whose last bytes are in this batch or an earlier one: free for reuse once this batch is written. */
  finished: Buffer[];
}

/**
 * Removes the first `bytes` of a batch (whole lines a sink wrote before it failed), so only the rest is retried.
 * Returns how many lines were removed. The batch's finished chunks stay with it, to be freed after a later write.
 */
export function dropWritten(batch: Batch, bytes: number): number {
  let skip = bytes;
  let removed = 0;
  while (skip > 0 && batch.chunks.length > 0) {
    const chunk = batch.chunks[0]!;
    if (skip >= chunk.length) {
      skip -= chunk.length;
      removed += batch.chunkLines[0]!;
      batch.chunks.shift();
      batch.chunkLines.shift();
      continue;
    }
    let lines = 0;
    for (let at = chunk.indexOf(NEWLINE); at >= 0 && at < skip; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    batch.chunks[0] = chunk.subarray(skip);
    batch.chunkLines[0] = batch.chunkLines[0]! - lines;
    removed += lines;
    skip = 0;
  }
  batch.lines -= removed;
  return removed;
}

const CHUNK_BYTES = 64 * 1024;
// Written chunks kept for reuse: steady writing allocates nothing, and memory does not wait for a GC. Up to 16 MiB
// while a backlog is being written, trimmed to 4 MiB once the queue runs empty.
const SPARE_CHUNKS_BUSY = 256;
const SPARE_CHUNKS_IDLE = 64;
const NEWLINE = 0x0a;

/**
 * Queued lines as UTF-8 bytes in 64 KiB chunks. A line is encoded once, when it is pushed; taking a batch hands
 * out pieces of the chunks without copying them. A chunk is filled up across takes, so a slow trickle of lines
 * does not allocate a chunk per line, and chunks are reused once written.
 */
export class ByteQueue {
  /** Lines queued. */
  lines = 0;
  private readonly pieces: Buffer[] = [];
  private readonly pieceLines: number[] = [];
  // The chunk a piece completes (its last bytes), or undefined.
  private readonly pieceFinishes: (Buffer | undefined)[] = [];
  // Finished chunks whose last piece was taken already; freed after the next batch.
  private readonly looseFinished: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  private chunk: Buffer = Buffer.allocUnsafe(0);
  private start = 0;
  private end = 0;
  private openLines = 0;

  /** Appends one line (without its newline). */
  push(line: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.end + room > this.chunk.length) this.nextChunk(room);
    this.end += this.chunk.write(line, this.end);
    this.chunk[this.end++] = NEWLINE;
    this.openLines++;
    this.lines++;
  }

  /** Removes and returns everything queued, oldest first. */
  take(): Batch {
    this.seal();
    const finished = this.looseFinished.splice(0);
    for (const chunk of this.pieceFinishes.splice(0)) if (chunk !== undefined) finished.push(chunk);
    const batch = { chunks: this.pieces.splice(0), chunkLines: this.pieceLines.splice(0), lines: this.lines, finished };
    this.lines = 0;
    return batch;
  }

  /**
   * Puts a batch back in front (a write that failed), keeping at most `room` of its newest lines.
   * Returns how many lines were kept.
   */
  unshift(batch: Batch, room: number): number {
    const chunks: Buffer[] = [];
    const chunkLines: number[] = [];
    let skip = Math.max(0, batch.lines - room);
    for (let i = 0; i < batch.chunks.length; i++) {
      let chunk = batch.chunks[i]!;
      let lines = batch.chunkLines[i]!;
      if (skip >= lines) {
        skip -= lines;
        continue;
      }
      // Drop the oldest lines of this piece, up to a newline.
      let cut = 0;
      for (; skip > 0; skip--, lines--) cut = chunk.indexOf(NEWLINE, cut) + 1;
      chunk = chunk.subarray(cut);
      chunks.push(chunk);
      chunkLines.push(lines);
    }
    // Its finished chunks are freed only after a later successful write, never before their bytes are gone.
    this.looseFinished.unshift(...batch.finished);
    let kept = 0;
    for (const n of chunkLines) kept += n;
    this.pieces.unshift(...chunks);
    this.pieceLines.unshift(...chunkLines);
    this.pieceFinishes.unshift(...chunks.map(() => undefined));
    this.lines += kept;
    return kept;
  }

  /** Takes back the chunks of a batch that was written (or copied); their bytes may be overwritten from now on. */
  recycle(batch: Batch): void {
    for (const chunk of batch.finished) {
      if (chunk.length === CHUNK_BYTES && this.spare.length < SPARE_CHUNKS_BUSY) this.spare.push(chunk);
    }
    batch.finished.length = 0;
    if (this.lines === 0 && this.spare.length > SPARE_CHUNKS_IDLE) this.spare.length = SPARE_CHUNKS_IDLE;
  }

  /** Closes the current chunk and starts another (a spare one when the line fits). */
  private nextChunk(room: number): void {
    this.seal();
    if (this.chunk.length > 0) {
      const last = this.pieces.length - 1;
      if (last >= 0 && this.pieces[last]!.buffer === this.chunk.buffer) this.pieceFinishes[last] = this.chunk;
      else this.looseFinished.push(this.chunk);
    }
    this.chunk = room <= CHUNK_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(room);
    this.start = 0;
    this.end = 0;
  }

  /** Moves the lines written into the current chunk since the last seal into a piece of their own. */
  private seal(): void {
    if (this.end === this.start) return;
    this.pieces.push(this.chunk.subarray(this.start, this.end));
    this.pieceLines.push(this.openLines);
    this.pieceFinishes.push(undefined);
    this.start = this.end;
    this.openLines = 0;
  }
}
