import { existsSync, lstatSync, renameSync, rmSync } from 'node:fs';
import { rotatedPath } from '@aitrace/format';
import { symlinkError, type FileSink } from './FileSink.js';
import { withProgress } from './PartialWriteError.js';
import { withRotationLock } from './RotationLock.js';
import type { Sink } from './Sink.js';

/** Options for `RotatingFileSink`. */
export interface RotatingFileSinkOptions {
  /**
   * Rotate when the file would grow past this many bytes; a line is never split. Processes sharing the file may
   * pass it by what the others append between one's size check and its write.
   */
  maxFileSize: number;
  /** Rotated files kept besides the current one: `trace.1.jsonl` (newest) ... `trace.N.jsonl` (default 5). */
  maxFiles?: number | undefined;
}

const NEWLINE = 0x0a;
// A synchronous write checks the real file size every this many writes (an fstat costs about what the write
// does), and always when its own count says the file is full: another process's appends are seen late by at most
// this many lines each.
const SIZE_CHECK_WRITES = 16;
// An asynchronous write writes at most a sixteenth of the limit (or 4 KiB) at a time: processes appending to one
// file at once then pass the limit by at most that much each, not by a whole file each.
const SHARED_PART_DIVISOR = 16;
const SHARED_PART_MIN_BYTES = 4096;

/**
 * Size-based rotation around a `FileSink`, safe when several processes share the file: before a line would pass
 * the limit, one process shifts `trace.N.jsonl` under a lock file and the file sink reopens; the others notice
 * that the path holds a new file and only reopen. Chunks are cut at line boundaries, never inside a line.
 */
export class RotatingFileSink implements Sink {
  /** The resolved file path. */
  readonly path: string;
  private readonly maxFileSize: number;
  private readonly maxFiles: number;
  private readonly sharedPartBytes: number;
  private writesSinceSizeCheck = 0;

  constructor(
    /** The file sink that appends; this wrapper decides when it reopens. */
    readonly file: FileSink,
    options: RotatingFileSinkOptions,
  ) {
    if (!(options.maxFileSize > 0)) throw new Error(`RotatingFileSink: maxFileSize: expected a number of bytes > 0, got ${String(options.maxFileSize)}`);
    this.path = file.path;
    this.maxFileSize = options.maxFileSize;
    this.maxFiles = options.maxFiles ?? 5;
    this.sharedPartBytes = Math.max(SHARED_PART_MIN_BYTES, Math.floor(this.maxFileSize / SHARED_PART_DIVISOR));
  }

  async write(chunk: Buffer): Promise<void> {
    let done = 0;
    try {
      while (done < chunk.length) {
        this.file.measure();
        const part = this.takeFitting(chunk.subarray(done), this.sharedPartBytes);
        await this.file.write(part);
        done += part.length;
      }
    } catch (error) {
      throw withProgress(error, done);
    }
  }

  /** Joins the chunks: each part must be cut at a line boundary that fits the room left. */
  writev(chunks: readonly Buffer[]): Promise<void> {
    return this.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  writeSync(chunk: Buffer): void {
    let done = 0;
    try {
      this.file.flushSync();
      while (done < chunk.length) {
        if (++this.writesSinceSizeCheck >= SIZE_CHECK_WRITES || this.file.knownSize + chunk.length - done > this.maxFileSize) {
          this.file.measure();
          this.writesSinceSizeCheck = 0;
        }
        const part = this.takeFitting(chunk.subarray(done));
        this.file.writeSync(part);
        done += part.length;
      }
    } catch (error) {
      throw withProgress(error, done);
    }
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  close(): Promise<void> {
    return this.file.close();
  }

  closeSync(): void {
    this.file.closeSync();
  }

  /**
   * The part of a chunk that fits before rotation, and is at most `most` bytes, cut at a line boundary (a line
   * longer than either is taken whole); rotates first when not even its first line fits.
   */
  private takeFitting(buffer: Buffer, most = Infinity): Buffer {
    const firstLine = buffer.indexOf(NEWLINE) + 1 || buffer.length;
    const size = this.file.knownSize;
    if (firstLine > this.maxFileSize - size && size > 0) {
      this.rotate();
      return this.takeFitting(buffer, most);
    }
    const fits = Math.min(this.maxFileSize - size, most);
    if (buffer.length <= fits) return buffer;
    return buffer.subarray(0, Math.max(firstLine, buffer.lastIndexOf(NEWLINE, fits - 1) + 1));
  }

  /**
   * Shifts the rotated files and reopens. Under the rotation lock the path is looked at again: if it no longer
   * holds the file this sink has open, another process rotated it already, and this one only reopens.
   */
  private rotate(): void {
    withRotationLock(this.path, () => {
      const current = lstatSync(this.path, { throwIfNoEntry: false });
      if (current?.isSymbolicLink()) throw symlinkError(this.path);
      if (current !== undefined && current.ino === this.file.inodeNumber) this.shiftRotatedFiles();
      this.file.reopen();
    });
  }

  /** Moves `trace.n` to `trace.n+1` up to the first free number (or the oldest kept, which is dropped), then the file to `trace.1`. */
  private shiftRotatedFiles(): void {
    if (this.maxFiles <= 0) {
      rmSync(this.path, { force: true });
      return;
    }
    let free = 1;
    while (free <= this.maxFiles && existsSync(rotatedPath(this.path, free))) free++;
    if (free > this.maxFiles) {
      free = this.maxFiles;
      rmSync(rotatedPath(this.path, free), { force: true });
    }
    for (let n = free - 1; n >= 1; n--) renameSync(rotatedPath(this.path, n), rotatedPath(this.path, n + 1));
    renameSync(this.path, rotatedPath(this.path, 1));
  }
}
