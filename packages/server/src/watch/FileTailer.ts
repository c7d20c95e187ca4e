import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { NormalizedRecord } from '@aitrace/format';
import { LineReader, type LineProblem } from '@aitrace/forest';
import { checkIngestRecord } from '../ingest/checkIngestRecord.js';
import type { SourceCursor } from '../store/TraceStore.js';

/** Bytes of a file's beginning hashed to recognise it again (an inode number alone may be reused). */
const HEAD_BYTES = 1024;
/** Bytes read per step; a longer line is read in several steps. */
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

/**
 * Reads the complete lines appended to one file (one identity, followed through renames) since its saved
 * cursor. A partial last line stays unread until its newline arrives; a truncated file is read again from
 * the start. The cursor advances only when the caller commits it, after the records are stored.
 */
export class FileTailer {
  private cursor: SourceCursor;

  private constructor(
    private readonly handle: FileHandle,
    cursor: SourceCursor,
  ) {
    this.cursor = cursor;
  }

  /** Opens a file and resumes from its saved cursor when that cursor is for the same content. */
  static async open(path: string, saved: (fileId: string) => Promise<SourceCursor | undefined>): Promise<FileTailer> {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      const fileId = fileIdentity(stats);
      const fresh: SourceCursor = { fileId, path, offset: 0, line: 1, headHash: '', headLength: 0 };
      const previous = await saved(fileId);
      const same =
        previous !== undefined && previous.offset <= stats.size && (previous.headLength === 0 || (await headHash(handle, previous.headLength)) === previous.headHash);
      return new FileTailer(handle, same ? { ...previous, path } : fresh);
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

  /**
   * Reads what was appended since the committed cursor. `final` also reads an unterminated last line
   * (the file was rotated away or removed, so nothing will complete it). Undefined when nothing is new.
   */
  async read(path: string, final = false): Promise<TailBatch | undefined> {
    const size = (await this.handle.stat()).size;
    let start = this.cursor;
    const truncated = size < start.offset;
    if (truncated) start = { ...start, offset: 0, line: 1, headHash: '', headLength: 0 };
    if (size === start.offset && !truncated) return undefined;
    const bytes = await this.readRange(start.offset, size, final);
    const reader = new LineReader({ firstLine: start.line });
    const batch = reader.push(bytes);
    const tail = final ? reader.end() : { records: [], problems: [] };
    const records: NormalizedRecord[] = [];
    const problems = [...batch.problems, ...tail.problems];
    for (const { line, record } of [...batch.records, ...tail.records]) {
      const problem = checkIngestRecord(record);
      if (problem === undefined) records.push(record);
      else problems.push({ line, message: problem });
    }
    const offset = start.offset + bytes.length;
    const headLength = Math.min(offset, HEAD_BYTES);
    const cursor: SourceCursor = {
      fileId: this.cursor.fileId,
      path,
      offset,
      line: reader.lineNumber,
      headHash: headLength === start.headLength ? start.headHash : await headHash(this.handle, headLength),
      headLength,
    };
    if (cursor.offset === this.cursor.offset && !truncated) return undefined;
    return { records, problems: problems.sort((a, b) => a.line - b.line), cursor, truncated };
  }

  /** Reads from `from` up to the last newline before `size` (or to `size` when final), at most about BATCH_BYTES. */
  private async readRange(from: number, size: number, final: boolean): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let position = from;
    let complete = 0;
    while (position < size && !(complete > 0 && position - from >= BATCH_BYTES)) {
      const buffer = Buffer.alloc(Math.min(READ_BYTES, size - position));
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      chunks.push(chunk);
      position += bytesRead;
      const newline = chunk.lastIndexOf(0x0a);
      if (newline !== -1) complete = position - from - (bytesRead - newline - 1);
    }
    const all = Buffer.concat(chunks);
    return final && position >= size ? all : all.subarray(0, complete);
  }

  /** Accepts a batch's cursor once its records are stored. */
  commit(cursor: SourceCursor): void {
    this.cursor = cursor;
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.handle.close();
  }
}
