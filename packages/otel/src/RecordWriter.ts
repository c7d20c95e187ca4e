import { diag } from '@opentelemetry/api';
import { trackExit, untrackExit, type ExitFlushable } from './exitHooks.js';
import { reportError } from './reportError.js';
import { ByteQueue, type Batch } from './ByteQueue.js';
import { bytesWrittenBefore } from './sinks/PartialWriteError.js';
import type { Sink } from './sinks/Sink.js';

/** Options for `RecordWriter`. */
export interface RecordWriterOptions {
  /** Write each line before `write` returns (default false: buffered, written within `flushIntervalMs`). */
  sync?: boolean;
  /** Retry delay after a failed write, in ms, and the documented bound on how long a line waits (default 100). */
  flushIntervalMs?: number;
  /** Most lines held waiting; beyond it new lines are dropped and counted (default 65,536). */
  maxQueueSize?: number;
  /** Flush at process exit, signals and uncaught exceptions (default true). */
  flushOnExit?: boolean;
}

/** Counts a writer keeps; `dropped` grows when the queue is full or a write fails for good. */
export interface RecordWriterStats {
  written: number;
  dropped: number;
  failedWrites: number;
  queued: number;
}

const DROP_REPORT_INTERVAL_MS = 5000;

/**
 * Queues encoded lines and writes them to a sink in batches: asynchronous by default, never more than
 * `maxQueueSize` lines in memory, failed batches retried, and everything flushed at exit. Never throws.
 */
export class RecordWriter implements ExitFlushable {
  private readonly queue = new ByteQueue();
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private users = 0;
  private droppedSinceReport = 0;
  private lastDropReport = 0;
  private dropReportTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly stats: RecordWriterStats = { written: 0, dropped: 0, failedWrites: 0, queued: 0 };
  private readonly sync: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxQueueSize: number;

  constructor(
    /** Where lines go. */
    readonly sink: Sink,
    options: RecordWriterOptions = {},
  ) {
    this.sync = options.sync ?? false;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxQueueSize = options.maxQueueSize ?? 65536;
    if (options.flushOnExit !== false) trackExit(this);
  }

  /** Accepts one encoded line (without newline). */
  write(line: string): void {
    if (this.closed) return;
    if (this.sync) {
      try {
        this.sink.writeSync(Buffer.from(`${line}\n`));
        this.stats.written++;
        this.lastError = undefined;
      } catch (error) {
        this.stats.failedWrites++;
        this.drop(1);
        this.fail(error);
      }
      return;
    }
    if (this.queue.lines >= this.maxQueueSize) {
      this.drop(1);
      return;
    }
    // Lines become UTF-8 bytes at once: the string dies young, and a batch needs no join or copy later.
    this.queue.push(line);
    // Write as soon as the event loop is free: batches form by themselves while a write is in flight. After a
    // failure the retry waits for the flush interval instead.
    if (this.lastError === undefined) this.scheduleSoon();
    else this.timer ??= setTimeout(this.drain, this.flushIntervalMs).unref();
  }

  /** Counts so far. */
  getStats(): RecordWriterStats {
    return { ...this.stats, queued: this.queue.lines };
  }

  /**
   * Whether lines are waiting or being written, and writing is not failing. While the sink fails, the retry timer
   * owns the lines; the exit hooks then leave them to the final synchronous flush instead of keeping the app alive.
   */
  hasPending(): boolean {
    return this.lastError === undefined && this.busy();
  }

  private busy(): boolean {
    return this.queue.lines > 0 || this.writing !== undefined;
  }

  private scheduleSoon(): void {
    if (this.immediate !== undefined || this.writing !== undefined) return;
    // Referenced on purpose: an unref'd immediate lets the loop block in its poll phase (a long timer, a child
    // process, a quiet socket), and the line would wait in memory until something else woke the process. A
    // referenced one runs in this very turn of the loop, so it keeps no finished process alive.
    this.immediate = setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.writing !== undefined || this.queue.lines === 0) return;
    const batch = this.queue.take();
    this.writing = this.writeBatch(batch.chunks)
      .then(
        () => {
          this.stats.written += batch.lines;
          this.lastError = undefined;
          batch.release();
        },
        (error: unknown) => {
          this.stats.failedWrites++;
          // Lines the sink wrote before it failed (a batch split by a rotation) are done; only the rest is retried.
          this.stats.written += batch.dropWritten(bytesWrittenBefore(error));
          this.fail(error);
          this.requeue(batch);
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.queue.lines === 0) return;
        if (this.lastError === undefined) this.scheduleSoon();
        else this.timer ??= setTimeout(this.drain, this.flushIntervalMs).unref();
      });
  };

  private writeBatch(chunks: Buffer[]): Promise<void> {
    if (chunks.length === 1) return this.sink.write(chunks[0]!);
    return this.sink.writev !== undefined ? this.sink.writev(chunks) : this.sink.write(Buffer.concat(chunks));
  }

  /** Puts a failed batch back in front, so writing resumes when the fault clears; what does not fit is dropped. */
  private requeue(batch: Batch): void {
    if (this.closed) {
      this.drop(batch.lines);
      batch.release();
      return;
    }
    const room = Math.max(0, this.maxQueueSize - this.queue.lines);
    this.drop(batch.lines - this.queue.unshift(batch, room));
  }

  private drop(count: number): void {
    if (count <= 0) return;
    this.stats.dropped += count;
    this.droppedSinceReport += count;
    // One warning per interval, so a flood of drops does not become a flood of warnings; the count is never lost.
    if (this.dropReportTimer !== undefined) return;
    const wait = this.lastDropReport + DROP_REPORT_INTERVAL_MS - Date.now();
    if (wait <= 0) this.reportDrops();
    else this.dropReportTimer = setTimeout(this.reportDrops, wait).unref();
  }

  private readonly reportDrops = (): void => {
    if (this.dropReportTimer !== undefined) clearTimeout(this.dropReportTimer);
    this.dropReportTimer = undefined;
    if (this.droppedSinceReport === 0) return;
    diag.warn(`aitrace: dropped ${this.droppedSinceReport} record(s) (queue full or writes failing; ${this.stats.dropped} in total)`);
    this.droppedSinceReport = 0;
    this.lastDropReport = Date.now();
  };

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    // A persistent fault (disk full) fails every retry; report it once until it changes or clears.
    if (message === this.lastError) return;
    this.lastError = message;
    reportError(error, 'writing trace records failed');
  }

  /** Resolves when every line accepted before the call is written (or has failed and been reported). */
  async flush(): Promise<void> {
    // A write that fails is tried once more at once (the fault may just have cleared); a second failure in a row
    // ends the flush, so a full disk does not hold it forever: the retry timer keeps the lines.
    let failuresInRow = 0;
    for (let rounds = 0; rounds < 1000 && this.busy() && failuresInRow < 2; rounds++) {
      if (this.writing === undefined) this.drain();
      const failuresBefore = this.stats.failedWrites;
      await this.writing;
      failuresInRow = this.stats.failedWrites === failuresBefore ? 0 : failuresInRow + 1;
    }
    await this.sink.flush().catch((error: unknown) => this.fail(error));
  }

  /** Writes everything waiting before returning; used at exit. */
  flushSync(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.queue.lines === 0 && this.writing === undefined) return;
    const batch = this.queue.take();
    try {
      this.sink.writeSync(batch.chunks.length === 1 ? batch.chunks[0]! : Buffer.concat(batch.chunks));
      this.stats.written += batch.lines;
    } catch (error) {
      this.stats.failedWrites++;
      this.stats.written += batch.dropWritten(bytesWrittenBefore(error));
      this.drop(batch.lines);
      this.fail(error);
    }
    // A chunk an asynchronous write still in flight has a piece of stays held by that write's batch.
    batch.release();
    this.reportDrops();
  }

  /** Registers one more user; the writer closes when the last one calls `close`. */
  retain(): this {
    this.users++;
    return this;
  }

  /** Flushes and closes the sink once the last user is done; later writes are ignored. Idempotent. */
  close(): Promise<void> {
    if (this.users > 1) {
      this.users--;
      return this.flush();
    }
    this.closing ??= (async () => {
      await this.flush();
      this.closed = true;
      const rest = this.queue.take();
      this.drop(rest.lines);
      rest.release();
      this.reportDrops();
      untrackExit(this);
      await this.sink.close().catch((error: unknown) => this.fail(error));
    })();
    return this.closing;
  }
}
