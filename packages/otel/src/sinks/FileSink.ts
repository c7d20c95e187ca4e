import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, writeSync, writev } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { finishAtExit, skipBytes, type InFlightWrite } from './InFlightWrite.js';
import { PartialWriteError, removeCutLine, withProgress } from './PartialWriteError.js';
import { resolvePathTemplate } from './pathTemplate.js';
import type { Sink } from './Sink.js';

/** Options for `FileSink`. */
export interface FileSinkOptions {
  /** The clock the once-a-second look at the path runs on, in ms (default `Date.now`); tests drive it. */
  now?: () => number;
}

// Read access lets the exit path find out how much of an interrupted asynchronous write is in the file.
const OPEN_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
const IDENTITY_CHECK_MS = 1000;

/** The error for a symbolic link found at the trace file path. */
export function symlinkError(path: string): Error {
  return new Error(
    `${path} is a symbolic link; aitrace does not follow links at the trace file path (a link put in place of the file could send records elsewhere): remove it, or set the output to the real file`,
  );
}

/**
 * Appends to one file (O_APPEND, O_NOFOLLOW, created with its directories), in the shape of sonic-boom: asynchronous
 * writes go through libuv's thread pool one at a time, `writeSync` writes before returning, and `reopen()` starts a
 * new file at the path (after a rotation). At most once a second (by `now`) it looks at the path: a file deleted or
 * moved away is replaced by a new one, a symbolic link put there is refused. Rotation is `RotatingFileSink`'s job.
 */
export class FileSink implements Sink {
  /** The resolved file path (templates expanded). */
  readonly path: string;
  private fd: number | undefined;
  private closed = false;
  // The file's size as last seen with fstat, plus what this sink wrote since.
  private size = 0;
  private inode = -1;
  private inFlight: InFlightWrite | undefined;
  private lastIdentityCheck: number;
  private readonly now: () => number;

  constructor(pathTemplate: string, options: FileSinkOptions = {}) {
    if ('maxFileSize' in options)
      throw new Error('FileSink: maxFileSize is an option of RotatingFileSink: new RotatingFileSink(new FileSink(path), { maxFileSize, maxFiles })');
    this.path = resolve(resolvePathTemplate(pathTemplate));
    this.now = options.now ?? Date.now;
    this.lastIdentityCheck = this.now();
    this.open();
  }

  /** The file's size as this sink knows it: the last fstat plus what it wrote since. */
  get knownSize(): number {
    return this.size;
  }

  /** The inode of the open file, or -1 when none is open. */
  get inodeNumber(): number {
    return this.fd === undefined ? -1 : this.inode;
  }

  /** Closes the file and opens the path again (a new file if it was moved away); returns the new descriptor. */
  reopen(): number {
    if (this.closed) throw new Error(`${this.path}: the file sink is closed`);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.open();
  }

  /**
   * The real size of the file, with other processes' appends: rotation must see them, and an asynchronous write
   * must know where its bytes can land. A file deleted under the writer (no links left) is reopened at once.
   */
  measure(): number {
    this.checkIdentity();
    const fd = this.descriptor();
    const stats = fstatSync(fd);
    if (stats.nlink === 0) this.reopen();
    else this.size = stats.size;
    return this.size;
  }

  write(chunk: Buffer): Promise<void> {
    return this.writev([chunk]);
  }

  /** Writes several chunks in order with one system call, without joining them. */
  writev(chunks: readonly Buffer[]): Promise<void> {
    try {
      this.measure();
      return this.writevAsync(chunks);
    } catch (error) {
      return Promise.reject(withProgress(error, 0));
    }
  }

  writeSync(chunk: Buffer): void {
    try {
      this.flushSync();
      this.checkIdentity();
    } catch (error) {
      throw withProgress(error, 0);
    }
    this.writeAllSync(chunk);
  }

  /**
   * Completes the asynchronous write in flight before returning (a synchronous write or the exit must come after
   * it): waits for it to land, or takes it over if the thread pool is stuck (see `finishAtExit`).
   */
  flushSync(): void {
    const pending = this.inFlight;
    const fd = this.fd;
    if (pending === undefined || fd === undefined) return;
    this.inFlight = undefined;
    finishAtExit(pending, fd, {
      path: this.path,
      openAnew: () => {
        this.fd = undefined;
        this.open();
      },
      writeAllSync: (bytes) => this.writeAllSync(bytes),
    });
    this.size = fstatSync(this.descriptor()).size;
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
      this.flushSync();
    } finally {
      this.closed = true;
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
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
    this.lastIdentityCheck = this.now();
    return fd;
  }

  /** The open descriptor; reopens the path after an earlier failure to (a symbolic link that was removed since). */
  private descriptor(): number {
    if (this.closed) throw new Error(`${this.path}: the file sink is closed`);
    return this.fd ?? this.open();
  }

  /**
   * If the file was deleted, moved away (logrotate, a cleanup job, another process's rotation) or replaced by a
   * symbolic link, writing on would go where nobody reads; at most once a second the path is checked with lstat.
   */
  private checkIdentity(): void {
    const now = this.now();
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

  /** Removes a cut last line after a failed write (see `removeCutLine`) and refreshes the known size. */
  private keepWholeLines(fd: number, sizeBefore: number, chunks: readonly Buffer[], landed: number): number {
    const kept = removeCutLine(fd, sizeBefore, chunks, landed);
    try {
      this.size = fstatSync(fd).size;
    } catch {
      // The write error itself is what gets reported.
    }
    return kept;
  }
}
