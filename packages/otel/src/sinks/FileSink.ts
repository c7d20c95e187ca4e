import { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync, writev } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rotatedPath } from '@aitrace/format';
import { occupyDescriptor, waitForLanding, type InFlightWrite } from './InFlightWrite.js';
import { PartialWriteError } from './PartialWriteError.js';
import { resolvePathTemplate } from './pathTemplate.js';
import { withRotationLock } from './RotationLock.js';
import type { Sink } from './Sink.js';

/** Options for `FileSink`. */
export interface FileSinkOptions {
  /**
   * Rotate when the file would grow past this many bytes; a line is never split (default: no rotation). Processes
   * sharing the file may pass it by what the others append between one's size check and its write.
   */
  maxFileSize?: number | undefined;
  /** Rotated files kept besides the current one: `trace.1.jsonl` (newest) ... `trace.N.jsonl` (default 5). */
  maxFiles?: number | undefined;
}

const NEWLINE = 0x0a;
const IDENTITY_CHECK_MS = 1000;
// Read access lets the exit path find out how much of an interrupted asynchronous write is in the file.
const OPEN_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
// A write queued in the thread pool that shows no progress for this long at exit is taken over.
const LANDING_QUIET_MS = 100;
const SETTLE_MS = 10;
const EMPTY = Buffer.alloc(0);
// A synchronous write with rotation checks the real file size every this many writes (an fstat costs about what
// the write does), and always when its own count says the file is full: another process's appends are seen late
// by at most this many lines each.
const SIZE_CHECK_WRITES = 16;
// An asynchronous write with rotation writes at most a sixteenth of the limit (or 4 KiB) at a time: processes
// appending to one file at once then pass the limit by at most that much each, not by a whole file each.
const SHARED_PART_DIVISOR = 16;
const SHARED_PART_MIN_BYTES = 4096;

function symlinkError(path: string): Error {
  return new Error(`${path} is a symbolic link; aitrace does not follow links at the trace file path (a link put in place of the file could send records elsewhere): remove it, or set the output to the real file`);
}

/**
 * Appends to a file (O_APPEND, O_NOFOLLOW, created with its directories). Asynchronous writes go through libuv's
 * thread pool, one at a time; `writeSync` writes before returning. Optional size-based rotation, safe when several
 * processes share the file: one rotates under a lock file, the others notice and reopen.
 */
export class FileSink implements Sink {
  /** The resolved file path (templates expanded). */
  readonly path: string;
  private fd: number | undefined;
  private closed = false;
  // The file's size as last seen with fstat, plus what this sink wrote since.
  private size = 0;
  private readonly maxFileSize: number | undefined;
  private readonly maxFiles: number;
  private readonly sharedPartBytes: number;
  private inFlight: InFlightWrite | undefined;
  private inode = -1;
  private lastIdentityCheck = 0;
  private writesSinceSizeCheck = 0;

  constructor(pathTemplate: string, options: FileSinkOptions = {}) {
    this.path = resolve(resolvePathTemplate(pathTemplate));
    this.maxFileSize = options.maxFileSize;
    this.maxFiles = options.maxFiles ?? 5;
    this.sharedPartBytes = Math.max(SHARED_PART_MIN_BYTES, Math.floor((this.maxFileSize ?? 0) / SHARED_PART_DIVISOR));
    this.open();
  }

  private open(): number {
    mkdirSync(dirname(this.path), { recursive: true });
    let fd: number;
    try {
      fd = openSync(this.path, OPEN_FLAGS, 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkError(this.path);
      throw error;
    }
    const stats = fstatSync(fd);
    this.fd = fd;
    this.size = stats.size;
    this.inode = stats.ino;
    this.lastIdentityCheck = Date.now();
    return fd;
  }

  private reopen(): number {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.open();
  }

  /**
   * If the file was deleted, moved away (logrotate, a cleanup job, another process's rotation) or replaced by a
   * symbolic link, writing on would go where nobody reads; at most once a second the path is checked with lstat.
   */
  private reopenIfReplaced(): void {
    const now = Date.now();
    if (now - this.lastIdentityCheck < IDENTITY_CHECK_MS || this.fd === undefined || this.inFlight !== undefined) return;
    this.lastIdentityCheck = now;
    const current = lstatSync(this.path, { throwIfNoEntry: false });
    if (current?.isSymbolicLink()) {
      // Stop writing to the old file too: the error stands until the link is gone.
      closeSync(this.fd);
      this.fd = undefined;
      throw symlinkError(this.path);
    }
    if (current?.ino !== this.inode) this.reopen();
  }

  /** The open descriptor; reopens the path after an earlier failure to (a symbolic link that was removed since). */
  private descriptor(): number {
    if (this.closed) throw new Error(`${this.path}: the file sink is closed`);
    return this.fd ?? this.open();
  }

  /**
   * The real size of the file before a write, with other processes' appends: rotation must see them, and an
   * asynchronous write must know where its bytes can land. A file deleted under the writer is reopened at once.
   */
  private refreshSize(): number {
    let fd = this.descriptor();
    const stats = fstatSync(fd);
    if (stats.nlink === 0) {
      fd = this.reopen();
    } else {
      this.size = stats.size;
    }
    return fd;
  }

  /**
   * Shifts the rotated files and reopens. Under the rotation lock the path is looked at again: if it no longer
   * holds the file this sink has open, another process rotated it already, and this one only reopens.
   */
  private rotate(): void {
    withRotationLock(this.path, () => {
      const current = lstatSync(this.path, { throwIfNoEntry: false });
      if (current?.isSymbolicLink()) throw symlinkError(this.path);
      if (current !== undefined && current.ino === this.inode) this.shiftRotatedFiles();
      this.reopen();
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

  /**
   * The part of a chunk that fits before rotation, and is at most `most` bytes, cut at a line boundary (a line
   * longer than either is taken whole); rotates first when not even its first line fits.
   */
  private takeFitting(buffer: Buffer, most = Infinity): Buffer {
    if (this.maxFileSize === undefined) return buffer;
    const firstLine = buffer.indexOf(NEWLINE) + 1 || buffer.length;
    const room = this.maxFileSize - this.size;
    if (firstLine > room && this.size > 0) {
      this.rotate();
      return this.takeFitting(buffer, most);
    }
    const fits = Math.min(room, most);
    if (buffer.length <= fits) return buffer;
    return buffer.subarray(0, Math.max(firstLine, buffer.lastIndexOf(NEWLINE, fits - 1) + 1));
  }

  async write(chunk: Buffer): Promise<void> {
    let done = 0;
    try {
      this.reopenIfReplaced();
      while (done < chunk.length) {
        this.refreshSize();
        const part = this.takeFitting(chunk.subarray(done), this.sharedPartBytes);
        await this.writevAsync([part]);
        done += part.length;
      }
    } catch (error) {
      throw withProgress(error, done);
    }
  }

  /** Writes several chunks with one system call where it can (no rotation configured), without joining them. */
  writev(chunks: readonly Buffer[]): Promise<void> {
    if (chunks.length === 1 || this.maxFileSize !== undefined) return this.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    try {
      this.reopenIfReplaced();
      this.refreshSize();
      return this.writevAsync(chunks);
    } catch (error) {
      return Promise.reject(withProgress(error, 0));
    }
  }

  /**
   * One asynchronous writev of whole lines, continued after a partial write. The callbacks record what landed, so
   * the exit path can tell the write's own bytes from other processes' appends.
   */
  private writevAsync(chunks: readonly Buffer[]): Promise<void> {
    const fd = this.descriptor();
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    const sizeBefore = this.size;
    const pending: InFlightWrite = { chunks, confirmed: 0, from: sizeBefore, abandoned: false };
    this.inFlight = pending;
    return new Promise((resolvePromise, reject) => {
      const writeFrom = (landed: number): void => {
        writev(fd, landed === 0 ? chunks : skipBytes(chunks, landed), null, (error, written) => {
          // Taken over by the exit path, which wrote or found every byte itself.
          if (pending.abandoned) return resolvePromise();
          if (error) {
            this.inFlight = undefined;
            const kept = this.keepWholeLines(fd, sizeBefore, chunks, landed);
            reject(new PartialWriteError(`${this.path}: ${error.message}`, kept, { cause: error }));
            return;
          }
          pending.confirmed = landed + written;
          pending.from += written;
          this.size += written;
          if (pending.confirmed < total) {
            writeFrom(pending.confirmed);
          } else {
            this.inFlight = undefined;
            resolvePromise();
          }
        });
      };
      writeFrom(0);
    });
  }

  writeSync(chunk: Buffer): void {
    let done = 0;
    try {
      this.completeInFlightSync();
      this.reopenIfReplaced();
      while (done < chunk.length) {
        if (this.maxFileSize !== undefined && (++this.writesSinceSizeCheck >= SIZE_CHECK_WRITES || this.size + chunk.length - done > this.maxFileSize)) {
          this.refreshSize();
          this.writesSinceSizeCheck = 0;
        }
        const part = this.takeFitting(chunk.subarray(done));
        this.writeAllSync(part);
        done += part.length;
      }
    } catch (error) {
      throw withProgress(error, done);
    }
  }

  private writeAllSync(buffer: Buffer): void {
    const fd = this.descriptor();
    const sizeBefore = this.size;
    let offset = 0;
    try {
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
      this.size += offset;
    } catch (error) {
      const kept = this.keepWholeLines(fd, sizeBefore, [buffer], offset);
      throw new PartialWriteError(`${this.path}: ${(error as Error).message}`, kept, { cause: error });
    }
  }

  /**
   * A write that fails midway (disk full, file size limit) may end in part of a line, which would glue onto the
   * next record. The whole lines that landed stay and are counted; the cut one is removed again, unless another
   * process appended since (then it stays, and the retry writes it whole after it). Returns the bytes kept.
   */
  private keepWholeLines(fd: number, sizeBefore: number, chunks: readonly Buffer[], landed: number): number {
    if (landed <= 0) return 0;
    const whole = wholeLinesIn(chunks, landed);
    try {
      if (whole < landed && fstatSync(fd).size === sizeBefore + landed) ftruncateSync(fd, sizeBefore + whole);
      this.size = fstatSync(fd).size;
    } catch {
      // The write error itself is what gets reported.
    }
    return whole;
  }

  /**
   * At exit an asynchronous write may still sit in the thread pool, where it would be lost with the process. Its
   * bytes are looked for in the file (other processes may have appended before and after them): found whole, it is
   * done. If it shows no progress for 100 ms (the pool is busy), its descriptor is closed and the number held by the
   * null device, so it can no longer land late; then what of it is not in the file is written here, once.
   */
  private completeInFlightSync(): void {
    const pending = this.inFlight;
    const fd = this.fd;
    if (pending === undefined || fd === undefined) return;
    this.inFlight = undefined;
    pending.abandoned = true;
    const rest = Buffer.concat(skipBytes(pending.chunks, pending.confirmed));
    let landed = waitForLanding(fd, pending.from, rest, LANDING_QUIET_MS);
    if (landed < rest.length) {
      // Both are opened before the old descriptor is closed, so neither can take over its number.
      const sameFile = this.openSameFile(fd);
      this.fd = undefined;
      try {
        this.open();
      } finally {
        closeSync(fd);
        occupyDescriptor(fd);
      }
      if (sameFile !== undefined) {
        try {
          // A write the kernel had begun before the close finishes first: ext4, xfs and tmpfs take the file's lock
          // even for 0 bytes; where a file system does not (overlayfs), the short wait lets it show.
          writeSync(sameFile, EMPTY);
          landed = waitForLanding(sameFile, pending.from, rest, SETTLE_MS);
        } finally {
          closeSync(sameFile);
        }
      }
    }
    try {
      if (landed < rest.length) this.writeAllSync(rest.subarray(landed));
    } catch (error) {
      // Bytes of the earlier write, not of the chunk the caller is writing now: the error must not count them.
      throw new Error(`${(error as Error).message} (finishing an earlier asynchronous write)`, { cause: error });
    }
    this.size = fstatSync(this.descriptor()).size;
  }

  /** A second descriptor for the file `fd` has open (renamed or deleted, it is no longer at the path), if any. */
  private openSameFile(fd: number): number | undefined {
    const ino = fstatSync(fd).ino;
    for (const path of [`/proc/self/fd/${fd}`, this.path]) {
      try {
        const other = openSync(path, 'r+');
        if (fstatSync(other).ino === ino) return other;
        closeSync(other);
      } catch {
        // Not on Linux, or the file is no longer at the path.
      }
    }
    return undefined;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    try {
      this.closeSync();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  closeSync(): void {
    if (this.closed) return;
    try {
      this.completeInFlightSync();
    } finally {
      this.closed = true;
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** The error of a chunk write, carrying how many bytes of the chunk are in the file as whole lines. */
function withProgress(error: unknown, done: number): PartialWriteError {
  const partial = error instanceof PartialWriteError;
  const message = error instanceof Error ? error.message : String(error);
  return new PartialWriteError(message, done + (partial ? error.bytesWritten : 0), { cause: partial ? error.cause : error });
}

/** Bytes of whole lines in the first `count` bytes of the chunks. */
function wholeLinesIn(chunks: readonly Buffer[], count: number): number {
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

/** The chunks after their first `count` bytes. */
function skipBytes(chunks: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return rest;
}
