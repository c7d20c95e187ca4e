const CHUNK_BYTES = 64 * 1024;
// Written chunks kept for reuse: steady writing allocates nothing, and memory does not wait for a GC. Up to 16 MiB
// while a backlog is being written, trimmed to 4 MiB once the queue runs empty.
const SPARE_CHUNKS_BUSY = 256;
const SPARE_CHUNKS_IDLE = 64;
const NEWLINE = 0x0a;

/**
 * A 64 KiB block of queued bytes and who still needs it: the queue while it fills the block, and every batch that
 * holds a piece of it. It is reused only when none does.
 */
interface Chunk {
  readonly bytes: Buffer;
  users: number;
}

/**
 * Lines taken from a `ByteQueue`: their UTF-8 bytes in pieces, each line ending in `\n`. The batch holds the
 * memory its pieces lie in until `release()`, its one way back to the queue; a batch put back with
 * `ByteQueue.unshift` hands its hold to the queue instead.
 */
export class Batch {
  /** Lines in the batch. */
  lines: number;

  constructor(
    /** The lines' bytes in pieces, oldest first; only these may be written. */
    readonly chunks: Buffer[],
    /** Lines in each of `chunks`. */
    readonly chunkLines: number[],
    lines: number,
    // The blocks the pieces lie in, one entry per piece taken (pieces dropped later keep theirs until release).
    private held: Chunk[],
    private readonly queue: ByteQueue,
  ) {
    this.lines = lines;
  }

  /**
   * Removes the first `bytes` (whole lines a sink wrote before it failed), so only the rest is retried. Returns how
   * many lines were removed; their memory stays held until `release()`.
   */
  dropWritten(bytes: number): number {
    let skip = bytes;
    let removed = 0;
    while (skip > 0 && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        removed += this.chunkLines[0]!;
        this.chunks.shift();
        this.chunkLines.shift();
        continue;
      }
      let lines = 0;
      for (let at = chunk.indexOf(NEWLINE); at >= 0 && at < skip; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
      this.chunks[0] = chunk.subarray(skip);
      this.chunkLines[0] = this.chunkLines[0]! - lines;
      removed += lines;
      skip = 0;
    }
    this.lines -= removed;
    return removed;
  }

  /** The batch's bytes are no longer needed (written, copied or dropped): its memory may be reused. Later calls do nothing. */
  release(): void {
    const held = this.held;
    this.held = [];
    this.queue.letGo(held);
  }

  /** Gives the batch's hold on its memory to the queue that takes its pieces back (`ByteQueue.unshift`). */
  handOver(): Chunk[] {
    const held = this.held;
    this.held = [];
    return held;
  }
}

/**
 * Queued lines as UTF-8 bytes in 64 KiB chunks. A line is encoded once, when it is pushed; taking a batch hands
 * out pieces of the chunks without copying them. A chunk is filled up across takes, so a slow trickle of lines
 * does not allocate a chunk per line, and a chunk is reused once the queue and every batch holding a piece of it
 * are done with it.
 */
export class ByteQueue {
  /** Lines queued. */
  lines = 0;
  private readonly pieces: Buffer[] = [];
  private readonly pieceLines: number[] = [];
  // The chunk each queued piece lies in; the piece holds it.
  private readonly pieceChunks: Chunk[] = [];
  // Holds of batches put back, passed on to the next batch taken.
  private readonly carried: Chunk[] = [];
  private readonly spare: Buffer[] = [];
  private chunk: Chunk = { bytes: Buffer.allocUnsafe(0), users: 1 };
  private start = 0;
  private end = 0;
  private openLines = 0;

  /** Appends one line (without its newline). */
  push(line: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.end + room > this.chunk.bytes.length) this.nextChunk(room);
    const bytes = this.chunk.bytes;
    this.end += bytes.write(line, this.end);
    bytes[this.end++] = NEWLINE;
    this.openLines++;
    this.lines++;
  }

  /** Removes and returns everything queued, oldest first. */
  take(): Batch {
    this.seal();
    const held = this.pieceChunks.splice(0);
    if (this.carried.length > 0) held.push(...this.carried.splice(0));
    const batch = new Batch(this.pieces.splice(0), this.pieceLines.splice(0), this.lines, held, this);
    this.lines = 0;
    return batch;
  }

  /**
   * Puts a batch back in front (a write that failed), keeping at most `room` of its newest lines; the queue takes
   * over the batch's memory. Returns how many lines were kept.
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
    // The pieces put back are older than anything queued: the next batch written carries their hold.
    this.carried.push(...batch.handOver());
    let kept = 0;
    for (const n of chunkLines) kept += n;
    this.pieces.unshift(...chunks);
    this.pieceLines.unshift(...chunkLines);
    this.lines += kept;
    return kept;
  }

  /** Ends holds on chunks (`Batch.release`); a chunk nobody holds any more becomes a spare. */
  letGo(held: readonly Chunk[]): void {
    for (const chunk of held) {
      if (--chunk.users === 0 && chunk.bytes.length === CHUNK_BYTES && this.spare.length < SPARE_CHUNKS_BUSY) this.spare.push(chunk.bytes);
    }
    if (this.lines === 0 && this.spare.length > SPARE_CHUNKS_IDLE) this.spare.length = SPARE_CHUNKS_IDLE;
  }

  /** Closes the current chunk and starts another (a spare one when the line fits). */
  private nextChunk(room: number): void {
    this.seal();
    this.letGo([this.chunk]);
    const bytes = room <= CHUNK_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(room);
    this.chunk = { bytes, users: 1 };
    this.start = 0;
    this.end = 0;
  }

  /** Moves the lines written into the current chunk since the last seal into a piece of their own. */
  private seal(): void {
    if (this.end === this.start) return;
    this.pieces.push(this.chunk.bytes.subarray(this.start, this.end));
    this.pieceLines.push(this.openLines);
    this.pieceChunks.push(this.chunk);
    this.chunk.users++;
    this.start = this.end;
    this.openLines = 0;
  }
}
