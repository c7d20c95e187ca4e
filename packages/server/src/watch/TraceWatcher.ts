import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NormalizedRecord } from '@aitrace/format';
import type { LineProblem } from '@aitrace/forest';
import { fileIdentity, TailedFile } from '@aitrace/forest/node';
import { checkIngestRecord } from '../ingest/checkIngestRecord.js';
import type { SourceCursor } from '../store/TraceStore.js';

/** Options for `TraceWatcher`. */
export interface TraceWatcherOptions {
  /** Files to tail, and directories whose `*.jsonl` files to tail (rotated files included). */
  paths: readonly string[];
  /** Stores a batch and its cursor in one transaction. */
  ingest: (records: NormalizedRecord[], cursor: SourceCursor) => Promise<unknown>;
  /** The saved cursor of a file identity. */
  savedCursor: (fileId: string) => Promise<SourceCursor | undefined>;
  /** How often to look for new data, ms (default 250). */
  intervalMs?: number;
  /** Longest line read, in bytes (default 64 MiB); a longer one is reported and skipped, and the lines after it read. */
  maxLineLength?: number;
  /** Told about bad lines and unreadable paths, with the file and line; watching goes on. */
  onProblem?: (message: string) => void;
}

// Batches read from one file per poll at most, so a file that never stops growing cannot starve the others.
const MAX_BATCHES_PER_POLL = 16;
// Bytes read into one batch at most, so a large backlog is stored in bounded transactions.
const BATCH_BYTES = 8 << 20;

/** The records of newly completed lines, with the cursor to save in the same transaction. */
interface TailBatch {
  records: NormalizedRecord[];
  problems: LineProblem[];
  cursor: SourceCursor;
  /** The file shrank below what was read: it was truncated and is read again from the start. */
  truncated: boolean;
  /** The file holds more than the batch took. */
  more: boolean;
}

/** A file being tailed, by identity: where it was last seen, what is stored, and a batch read but not stored yet. */
interface Tailed {
  file: TailedFile;
  path: string;
  cursor: SourceCursor;
  pending: TailBatch | undefined;
}

/**
 * Tails local trace files like `tail -F` and stores appended lines: follows files through rotation (by
 * identity, so `trace.jsonl` renamed to `trace.1.jsonl` is not read twice), re-reads truncated files, waits
 * for partial last lines, and resumes after a restart from the offsets saved with the records.
 */
export class TraceWatcher {
  private readonly tailers = new Map<string, Tailed>();
  private readonly intervalMs: number;
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: TraceWatcherOptions) {
    this.intervalMs = options.intervalMs ?? 250;
  }

  /** Reads what the files hold now, then keeps polling. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass over every watched path; passes never overlap. */
  poll(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private problem(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.options.onProblem?.(message);
  }

  private async candidates(): Promise<string[]> {
    const files: string[] = [];
    for (const path of this.options.paths) {
      try {
        const stats = await stat(path);
        if (stats.isDirectory()) {
          for (const name of (await readdir(path)).sort()) if (name.endsWith('.jsonl')) files.push(join(path, name));
        } else {
          files.push(path);
        }
        this.reported.delete(`missing:${path}`);
      } catch {
        this.problem(`missing:${path}`, `--watch ${path}: does not exist (yet); waiting for it`);
      }
    }
    return files;
  }

  private async pollOnce(): Promise<void> {
    if (this.closed) return;
    const seen = new Set<string>();
    for (const path of await this.candidates()) {
      let fileId: string;
      try {
        const stats = await stat(path);
        if (!stats.isFile()) continue;
        fileId = fileIdentity(stats);
      } catch {
        continue;
      }
      seen.add(fileId);
      const known = this.tailers.get(fileId);
      if (known !== undefined) {
        known.path = path;
        continue;
      }
      try {
        const tailed = await this.open(path, fileId);
        if (tailed !== undefined) this.tailers.set(fileId, tailed);
      } catch (error) {
        this.problem(`open:${path}`, `--watch ${path}: cannot read: ${(error as Error).message}`);
      }
    }
    for (const [fileId, entry] of this.tailers) {
      const gone = !seen.has(fileId);
      // A file rotated out of sight or removed: read its last lines (an unfinished one included), then let go.
      const done = await this.drain(entry, gone);
      if (gone && done) {
        this.tailers.delete(fileId);
        await entry.file.close();
      }
    }
  }

  /** Opens a file, resuming from its saved cursor when that cursor is for the same content; undefined if the path changed file meanwhile. */
  private async open(path: string, fileId: string): Promise<Tailed | undefined> {
    const saved = await this.options.savedCursor(fileId);
    const maxLineLength = this.options.maxLineLength;
    const file = await TailedFile.open(path, { start: saved, ...(maxLineLength === undefined ? {} : { maxLineLength }) });
    if (file.id !== fileId) {
      // Replaced between the look and the open: taken up by the next poll.
      await file.close();
      return undefined;
    }
    return { file, path, cursor: { fileId, path, ...file.at }, pending: undefined };
  }

  /** Reads a batch, keeping the lines the store accepts. */
  private async readBatch(entry: Tailed, final: boolean): Promise<TailBatch | undefined> {
    let read = await entry.file.read({ final, maxBytes: BATCH_BYTES });
    // A line longer than a batch completes no line for a while: read on to its end.
    while (read.more && read.position.offset === entry.cursor.offset && !read.truncated) read = await entry.file.read({ final, maxBytes: BATCH_BYTES });
    if (read.position.offset === entry.cursor.offset && !read.truncated) return undefined;
    const records: NormalizedRecord[] = [];
    const problems = read.problems;
    for (const { line, record } of read.records) {
      const problem = checkIngestRecord(record);
      if (problem === undefined) records.push(record);
      else problems.push({ line, message: problem });
    }
    problems.sort((a, b) => a.line - b.line);
    return { records, problems, cursor: { fileId: entry.cursor.fileId, path: entry.path, ...read.position }, truncated: read.truncated, more: read.more };
  }

  /** Stores what a file holds past its cursor, a few batches at most; true once it has all been stored. */
  private async drain(entry: Tailed, final: boolean): Promise<boolean> {
    for (let i = 0; i < MAX_BATCHES_PER_POLL && !this.closed; i++) {
      let batch = entry.pending;
      try {
        batch ??= await this.readBatch(entry, final);
        if (batch === undefined) return true;
        // Held until stored: a failed store is tried again on the next poll, not lost.
        entry.pending = batch;
        await this.options.ingest(batch.records, batch.cursor);
      } catch (error) {
        this.problem(`read:${entry.path}:${entry.cursor.offset}`, `--watch ${entry.path}: ${(error as Error).message}; will retry`);
        return false;
      }
      entry.pending = undefined;
      entry.cursor = batch.cursor;
      if (batch.truncated) this.options.onProblem?.(`${entry.path}: the file was truncated; reading it again from the start`);
      for (const problem of batch.problems) this.options.onProblem?.(`${entry.path}:${problem.line}: ${problem.message} (line skipped)`);
      if (!batch.more) return true;
    }
    return false;
  }

  /** Stops polling and closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
    for (const { file } of this.tailers.values()) await file.close();
    this.tailers.clear();
  }
}
