import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync, writev } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rotatedPath } from '@aitrace/format';
import { resolvePathTemplate } from './pathTemplate.js';
import type { Sink } from './Sink.js';

/** Options for `FileSink`. */
export interface FileSinkOptions {
  /** Rotate when the file would grow past this many bytes; a line is never split (default: no rotation). */
  maxFileSize?: number | undefined;
  /** Rotated files kept besides the current one: `trace.1.jsonl` (newest) ... `trace.N.jsonl` (default 5). */
  maxFiles?: number | undefined;
}

const NEWLINE = 0x0a;
const IDENTITY_CHECK_MS = 1000;

/**
 * Appends to a file (O_APPEND, created with its directories). Asynchronous writes go through libuv's
 * thread pool, one at a time; `writeSync` writes before returning. Optional size-based rotation.
 */
export class FileSink implements Sink {
  /** The resolved file path (templates expanded). */
  readonly path: string;
  private fd: number | undefined;
  private size = 0;
  private readonly maxFileSize: number | undefined;
  private readonly maxFiles: number;
  // The chunk handed to the thread pool and not yet confirmed, with the file size before it.
  private inFlight: { buffers: readonly Buffer[]; sizeBefore: number } | undefined;
  private inode = -1;
  private lastIdentityCheck = 0;

  constructor(pathTemplate: string, options: FileSinkOptions = {}) {
    this.path = resolve(resolvePathTemplate(pathTemplate));
    this.maxFileSize = options.maxFileSize;
    this.maxFiles = options.maxFiles ?? 5;
    this.open();
  }

  private open(): number {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a');
    const stats = fstatSync(this.fd);
    this.size = stats.size;
    this.inode = stats.ino;
    this.lastIdentityCheck = Date.now();
    return this.fd;
  }

  /**
   * If the file was deleted or moved away (by logrotate, a cleanup job, a person), writing on would go to a file
   * nobody can read; at most once a second the path is checked and the file reopened when it changed.
   */
  private reopenIfReplaced(): void {
    const now = Date.now();
    if (now - this.lastIdentityCheck < IDENTITY_CHECK_MS || this.fd === undefined || this.inFlight !== undefined) return;
    this.lastIdentityCheck = now;
    let current: number;
    try {
      current = statSync(this.path).ino;
    } catch {
      current = -1;
    }
    if (current === this.inode) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.open();
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: the file sink is closed`);
    return this.fd;
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.maxFiles <= 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(rotatedPath(this.path, this.maxFiles), { force: true });
      for (let n = this.maxFiles - 1; n >= 1; n--) {
        const from = rotatedPath(this.path, n);
        if (existsSync(from)) renameSync(from, rotatedPath(this.path, n + 1));
      }
      if (existsSync(this.path)) renameSync(this.path, rotatedPath(this.path, 1));
    }
    this.open();
  }

  /** Splits a chunk into the part that fits before rotation and the rest, at a line boundary. */
  private takeFitting(buffer: Buffer): Buffer {
    if (this.maxFileSize === undefined || this.size + buffer.length <= this.maxFileSize) return buffer;
    const room = this.maxFileSize - this.size;
    let cut = room > 0 ? buffer.lastIndexOf(NEWLINE, room - 1) + 1 : 0;
    if (cut === 0 && this.size === 0) cut = buffer.indexOf(NEWLINE) + 1 || buffer.length; // one line larger than the limit
    if (cut === 0) {
      this.rotate();
      return this.takeFitting(buffer);
    }
    return buffer.subarray(0, cut);
  }

  async write(chunk: Buffer): Promise<void> {
    this.reopenIfReplaced();
    let buffer = chunk;
    while (buffer.length > 0) {
      const part = this.takeFitting(buffer);
      await this.writevAsync([part]);
      buffer = buffer.subarray(part.length);
      if (buffer.length > 0) this.rotate();
    }
  }

  /** Writes several chunks with one system call where it can (no rotation configured), without joining them. */
  writev(chunks: readonly Buffer[]): Promise<void> {
    if (chunks.length === 1 || this.maxFileSize !== undefined) return this.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    try {
      this.reopenIfReplaced();
      return this.writevAsync(chunks);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private writevAsync(chunks: readonly Buffer[]): Promise<void> {
    const fd = this.descriptor();
    const sizeBefore = this.size;
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    this.inFlight = { buffers: chunks, sizeBefore };
    return new Promise((resolvePromise, reject) => {
      const writeFrom = (landed: number): void => {
        writev(fd, landed === 0 ? chunks : skipBytes(chunks, landed), null, (error, written) => {
          if (error) {
            this.inFlight = undefined;
            this.undoPartialWrite(fd, sizeBefore, landed);
            reject(new Error(`${this.path}: ${error.message}`, { cause: error }));
            return;
          }
          this.size += written;
          if (landed + written < total) {
            writeFrom(landed + written);
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
    this.completeInFlightSync();
    this.reopenIfReplaced();
    let buffer = chunk;
    while (buffer.length > 0) {
      const part = this.takeFitting(buffer);
      this.writeAllSync(part);
      buffer = buffer.subarray(part.length);
      if (buffer.length > 0) this.rotate();
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
      this.size += offset;
      this.undoPartialWrite(fd, sizeBefore, offset);
      throw new Error(`${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A write that fails midway (disk full, file size limit) leaves part of a line behind, which would glue onto the
   * next record. The chunk is cut off again, unless another process appended since; the caller retries it whole.
   */
  private undoPartialWrite(fd: number, sizeBefore: number, landed: number): void {
    if (landed <= 0) return;
    try {
      if (fstatSync(fd).size !== sizeBefore + landed) return;
      ftruncateSync(fd, sizeBefore);
      this.size = sizeBefore;
    } catch {
      // The write error itself is what gets reported.
    }
  }

  /**
   * At exit an asynchronous write may still sit in the thread pool, where it would be lost with the process.
   * The file size tells how much of it landed; the rest is written now.
   */
  private completeInFlightSync(): void {
    const pending = this.inFlight;
    if (pending === undefined || this.fd === undefined) return;
    this.inFlight = undefined;
    let total = 0;
    for (const buffer of pending.buffers) total += buffer.length;
    const landed = waitForLanding(this.fd, pending.sizeBefore, total);
    if (landed >= total) {
      this.size = pending.sizeBefore + total;
      return;
    }
    this.size = pending.sizeBefore + Math.max(0, landed);
    for (const rest of skipBytes(pending.buffers, Math.max(0, landed))) this.writeAllSync(rest);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  closeSync(): void {
    if (this.fd === undefined) return;
    this.completeInFlightSync();
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const LANDING_QUIET_MS = 50;
const LANDING_MAX_MS = 1000;

/**
 * How many bytes of an asynchronous write have reached the file, once it has finished or stopped moving. At exit
 * the write may still be running in libuv's thread pool; writing its missing part at once would interleave the two
 * (half a record glued into another). A write normally lands within a millisecond or two; one that makes no
 * progress for 50 ms (not started, or failing) is left as it is, and the caller writes what is missing.
 */
function waitForLanding(fd: number, sizeBefore: number, total: number): number {
  let landed = fstatSync(fd).size - sizeBefore;
  const started = Date.now();
  let quietSince = started;
  while (landed < total && Date.now() - started < LANDING_MAX_MS && Date.now() - quietSince < LANDING_QUIET_MS) {
    Atomics.wait(sleeper, 0, 0, 1);
    const now = fstatSync(fd).size - sizeBefore;
    if (now !== landed) quietSince = Date.now();
    landed = now;
  }
  return landed;
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
