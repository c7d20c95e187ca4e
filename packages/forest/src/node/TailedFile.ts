import { createHash } from 'node:crypto';
import { close, fstat, open, read, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { LineReader, type LineProblem, type LineReaderOptions, type LineRecord, type ReadBatch } from '../LineReader.js';

const openAt = promisify(open);
const fstatOf = promisify(fstat);
const readAt = promisify(read);
const closeFd = promisify(close);

/** Bytes of a file's beginning hashed to recognise it again (an inode number alone may be reused). */
export const HEAD_BYTES = 1024;
// Bytes read per step; a longer line is read in several steps.
const READ_BYTES = 1 << 20;

/** Where reading a file stands: after its last complete line, with that line's successor number and a hash of its head. */
export interface FilePosition {
  /** Byte offset just past the last complete line read. */
  offset: number;
  /** The 1-based number of the line that starts at `offset`. */
  line: number;
  /** SHA-256 (hex) of the file's first `headLength` bytes; '' when `headLength` is 0. */
  headHash: string;
  /** Bytes hashed: `min(offset, HEAD_BYTES)`. */
  headLength: number;
}

/** What one `TailedFile.read` found. */
export interface TailRead {
  records: LineRecord[];
  problems: LineProblem[];
  /** The position after the lines read, to save and resume from. */
  position: FilePosition;
  /** The file had shrunk below what was read: it was read again from its start. */
  truncated: boolean;
  /** Bytes read by this call. */
  bytes: number;
  /** The byte budget ran out before the end of the file: more is there to read. */
  more: boolean;
}

/** Options for `TailedFile.open`. */
export interface TailedFileOptions extends Omit<LineReaderOptions, 'firstLine'> {
  /** Resume here (a position saved earlier) if the file still holds the same head and is not shorter; else read from the start. */
  start?: FilePosition | undefined;
}

/** Identity of a file that survives renames: device and inode. */
export function fileIdentity(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

const START: FilePosition = { offset: 0, line: 1, headHash: '', headLength: 0 };

/**
 * One file followed by its open descriptor (so it can be finished after it is renamed or deleted): reads the
 * complete lines appended since the last read, asynchronously and in bounded steps, with byte offsets and line
 * numbers; a partial last line is held (bytes already read are not read again) until its newline arrives, and a
 * file that shrank is read again from its start.
 */
export class TailedFile {
  private reader!: LineReader;
  // Bytes handed to `reader`: past `position.offset` by the partial line it holds.
  private readOffset = 0;
  private position: FilePosition = START;
  private closed = false;

  private constructor(
    private readonly fd: number,
    /** The path the file was opened by (it may have been renamed since). */
    readonly path: string,
    /** The file's identity (`device:inode`). */
    readonly id: string,
    /** Last modification time seen, ms. */
    public mtimeMs: number,
    private readonly options: TailedFileOptions,
  ) {
    this.restart(START);
  }

  /** Opens `path`; rejects as `fs.open` does (ENOENT for a missing file). */
  static async open(path: string, options: TailedFileOptions = {}): Promise<TailedFile> {
    const fd = await openAt(path, 'r');
    try {
      const file = TailedFile.fromDescriptor(fd, path, await fstatOf(fd), options);
      const start = options.start;
      if (start !== undefined && start.offset > 0 && (await file.startsAt(start))) file.restart(start);
      return file;
    } catch (error) {
      await closeFd(fd);
      throw error;
    }
  }

  /** Wraps a descriptor opened by the caller (its stats taken right after opening); the file then owns it. */
  static fromDescriptor(fd: number, path: string, stats: Stats, options: TailedFileOptions = {}): TailedFile {
    return new TailedFile(fd, path, fileIdentity(stats), stats.mtimeMs, options);
  }

  /** Where reading stands, after the last complete line. */
  get at(): FilePosition {
    return this.position;
  }

  /** Whether `start` fits this file: not past its end, and the same head. */
  private async startsAt(start: FilePosition): Promise<boolean> {
    const { size } = await fstatOf(this.fd);
    return start.offset <= size && start.headLength <= start.offset && (start.headLength === 0 || (await this.headHash(start.headLength)) === start.headHash);
  }

  private restart(at: FilePosition): void {
    const { onValue, maxLineLength } = this.options;
    this.reader = new LineReader({
      firstLine: at.line,
      ...(onValue === undefined ? {} : { onValue }),
      ...(maxLineLength === undefined ? {} : { maxLineLength }),
    });
    this.readOffset = at.offset;
    this.position = at;
  }

  private async headHash(length: number): Promise<string> {
    if (length === 0) return '';
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await readAt(this.fd, buffer, 0, length, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  }

  /**
   * Reads what was appended since the last read, `maxBytes` at most (in steps of up to 1 MiB). `final` also reads
   * an unterminated last line (nothing will complete it: the file was rotated away or removed).
   */
  async read(options: { final?: boolean; maxBytes?: number } = {}): Promise<TailRead> {
    const stats = await fstatOf(this.fd);
    this.mtimeMs = stats.mtimeMs;
    const truncated = stats.size < this.readOffset;
    if (truncated) this.restart(START);
    const records: LineRecord[] = [];
    const problems: LineProblem[] = [];
    const take = (batch: ReadBatch): void => {
      for (const record of batch.records) records.push(record);
      for (const problem of batch.problems) problems.push(problem);
    };
    const maxBytes = options.maxBytes ?? Infinity;
    let bytes = 0;
    while (this.readOffset < stats.size && bytes < maxBytes) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, maxBytes - bytes, stats.size - this.readOffset));
      const { bytesRead } = await readAt(this.fd, buffer, 0, buffer.length, this.readOffset);
      if (bytesRead === 0) break;
      this.readOffset += bytesRead;
      bytes += bytesRead;
      take(this.reader.push(buffer.subarray(0, bytesRead)));
    }
    const more = this.readOffset < stats.size;
    if (options.final === true && !more) take(this.reader.end());
    await this.advance();
    return { records, problems, position: this.position, truncated, bytes, more };
  }

  /** Moves past everything the file holds now without reading it (line numbers after it are not known); true when the file had shrunk. */
  async skipToEnd(): Promise<boolean> {
    const { size, mtimeMs } = await fstatOf(this.fd);
    this.mtimeMs = mtimeMs;
    const truncated = size < this.readOffset;
    this.restart({ ...this.position, offset: size, line: 1 });
    await this.advance();
    return truncated;
  }

  /** Updates the position to the reader's last complete line, hashing the head while it is still short. */
  private async advance(): Promise<void> {
    const offset = this.readOffset - this.reader.partialLineLength;
    if (offset === this.position.offset && this.reader.lineNumber === this.position.line) return;
    const headLength = Math.min(offset, HEAD_BYTES);
    const headHash = headLength === this.position.headLength ? this.position.headHash : await this.headHash(headLength);
    this.position = { offset, line: this.reader.lineNumber, headHash, headLength };
  }

  /** Closes the descriptor (once). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeFd(this.fd);
  }
}
