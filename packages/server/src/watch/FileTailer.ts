import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { NormalizedRecord } from '@aitrace/format';
import { LineReader, type LineProblem, type ReadBatch } from '@aitrace/forest';
import { checkIngestRecord } from '../ingest/checkIngestRecord.js';
import type { SourceCursor } from '../store/TraceStore.js';

/** Bytes of a file's beginning hashed to recognise it again (an inode number alone may be reused). */
const HEAD_BYTES = 1024;
/** Bytes read per step, into one buffer per file; a longer line is read in several steps. */
const READ_BYTES = 1 << 20;
/** Bytes of complete lines returned by one `read` at most, so a large backlog is stored in bounded batches. */
const BATCH_BYTES = 8 << 20;

/** The records of newly appended complete lines, with the cursor to save once they are stored. */
export interface TailBatch {
  records: NormalizedRecord[];
  problems: LineProblem[];
  cursor: SourceCursor;
  /** The file shrank below what was read: it was truncated and is read again from the start. */
  truncated: boolean;
}

/** Identity of a file that survives renames: device and inode. */
export function fileIdentity(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

async function headHash(handle: FileHandle, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, 0);
  return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
}

/** Options for `FileTailer.open`. */
export interface FileTailerOptions {
  /** Longest line read, in bytes (default: `LineReader`'s 64 MiB); a longer one is reported and skipped. */
  maxLineLength?: number | undefined;
}

/**
 * Reads the complete lines appended to one file (one identity, followed through renames) since its saved
 * cursor. A partial last line stays unread until its newline arrives, but the bytes of it already read are not
 * read again (a long line costs one pass); a truncated file is read again from the start. The cursor advances
 * only when the caller commits it, after the records are stored.
 */
export class FileTailer {
  private cursor: SourceCursor;
  // Reading runs ahead of the committed cursor: `reader` has taken the bytes up to `readOffset`.
  private reader!: LineReader;
  private readOffset = 0;
  // A batch was handed out and not committed (its storing failed): read it again from the cursor.
  private issued = false;
  private readonly buffer = Buffer.allocUnsafe(READ_BYTES);

  private constructor(
    private readonly handle: FileHandle,
    cursor: SourceCursor,
    private readonly maxLineLength: number | undefined,
  ) {
    this.cursor = cursor;
    this.rewind(cursor);
  }

  /** Opens a file and resumes from its saved cursor when that cursor is for the same content. */
  static async open(path: string, saved: (fileId: string) => Promise<SourceCursor | undefined>, options: FileTailerOptions = {}): Promise<FileTailer> {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      const fileId = fileIdentity(stats);
      const fresh: SourceCursor = { fileId, path, offset: 0, line: 1, headHash: '', headLength: 0 };
      const previous = await saved(fileId);
      const same =
        previous !== undefined && previous.offset <= stats.size && (previous.headLength === 0 || (await headHash(handle, previous.headLength)) === previous.headHash);
      return new FileTailer(handle, same ? { ...previous, path } : fresh, options.maxLineLength);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The file's identity. */
  get fileId(): string {
    return this.cursor.fileId;
  }

  /** The cursor as last committed. */
  get position(): SourceCursor {
    return this.cursor;
  }

  private rewind(to: SourceCursor): void {
    this.reader = new LineReader({ firstLine: to.line, ...(this.maxLineLength === undefined ? {} : { maxLineLength: this.maxLineLength }) });
    this.readOffset = to.offset;
    this.issued = false;
  }

  /**
   * Reads what was appended since the committed cursor, about BATCH_BYTES of complete lines at most. `final`
   * also reads an unterminated last line (the file was rotated away or removed, so nothing will complete it).
   * Undefined when no line was completed.
   */
  async read(path: string, final = false): Promise<TailBatch | undefined> {
    const size = (await this.handle.stat()).size;
    if (this.issued) this.rewind(this.cursor);
    let start = this.cursor;
    const truncated = size < start.offset || size < this.readOffset;
    if (truncated) {
      start = { ...start, offset: 0, line: 1, headHash: '', headLength: 0 };
      this.rewind(start);
    }
    const records: NormalizedRecord[] = [];
    const problems: LineProblem[] = [];
    const take = (batch: ReadBatch): void => {
      problems.push(...batch.problems);
      for (const { line, record } of batch.records) {
        const problem = checkIngestRecord(record);
        if (problem === undefined) records.push(record);
        else problems.push({ line, message: problem });
      }
    };
    while (this.readOffset < size && this.readOffset - this.reader.partialLineLength - start.offset < BATCH_BYTES) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, Math.min(READ_BYTES, size - this.readOffset), this.readOffset);
      if (bytesRead === 0) break;
      this.readOffset += bytesRead;
      take(this.reader.push(this.buffer.subarray(0, bytesRead)));
    }
    if (final && this.readOffset >= size) take(this.reader.end());
    const offset = this.readOffset - this.reader.partialLineLength;
    if (offset === this.cursor.offset && !truncated) return undefined;
    const headLength = Math.min(offset, HEAD_BYTES);
    const cursor: SourceCursor = {
      fileId: this.cursor.fileId,
      path,
      offset,
      line: this.reader.lineNumber,
      headHash: headLength === start.headLength ? start.headHash : await headHash(this.handle, headLength),
      headLength,
    };
    this.issued = true;
    return { records, problems: problems.sort((a, b) => a.line - b.line), cursor, truncated };
  }

  /** Accepts a batch's cursor once its records are stored. */
  commit(cursor: SourceCursor): void {
    this.cursor = cursor;
    this.issued = false;
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.handle.close();
  }
}
