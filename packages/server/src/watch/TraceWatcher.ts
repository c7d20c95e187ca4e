import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NormalizedRecord } from '@aitrace/format';
import type { SourceCursor } from '../store/TraceStore.js';
import { FileTailer, fileIdentity, type TailBatch } from './FileTailer.js';

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

/**
 * Tails local trace files like `tail -F` and stores appended lines: follows files through rotation (by
 * identity, so `trace.jsonl` renamed to `trace.1.jsonl` is not read twice), re-reads truncated files, waits
 * for partial last lines, and resumes after a restart from the offsets saved with the records.
 */
export class TraceWatcher {
  private readonly tailers = new Map<string, { tailer: FileTailer; path: string }>();
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
        const tailer = await FileTailer.open(path, this.options.savedCursor, { maxLineLength: this.options.maxLineLength });
        this.tailers.set(tailer.fileId, { tailer, path });
        seen.add(tailer.fileId);
      } catch (error) {
        this.problem(`open:${path}`, `--watch ${path}: cannot read: ${(error as Error).message}`);
      }
    }
    for (const [fileId, entry] of this.tailers) {
      const gone = !seen.has(fileId);
      // A file rotated out of sight or removed: read its last lines (an unfinished one included), then let go.
      await this.drain(entry.tailer, entry.path, gone);
      if (gone) {
        this.tailers.delete(fileId);
        await entry.tailer.close();
      }
    }
  }

  private async drain(tailer: FileTailer, path: string, final: boolean): Promise<void> {
    for (let i = 0; i < MAX_BATCHES_PER_POLL && !this.closed; i++) {
      let batch: TailBatch | undefined;
      try {
        batch = await tailer.read(path, final);
        if (batch === undefined) return;
        await this.options.ingest(batch.records, batch.cursor);
      } catch (error) {
        this.problem(`read:${path}:${tailer.position.offset}`, `--watch ${path}: ${(error as Error).message}; will retry`);
        return;
      }
      tailer.commit(batch.cursor);
      if (batch.truncated) this.options.onProblem?.(`${path}: the file was truncated; reading it again from the start`);
      for (const problem of batch.problems) this.options.onProblem?.(`${path}:${problem.line}: ${problem.message} (line skipped)`);
    }
  }

  /** Stops polling and closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
    for (const { tailer } of this.tailers.values()) await tailer.close();
    this.tailers.clear();
  }
}
