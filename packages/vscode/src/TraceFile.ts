import { validateRecord } from '@aitrace/format';
import { ForestBuilder, LineReader, walkSpans, type SpanForest } from '@aitrace/forest';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';

/** A bad line of a trace file: its 1-based line number, the field at fault if known, and what is wrong. */
export interface TraceProblem {
  line: number;
  field?: string;
  message: string;
  /** True when the line could not be read at all; false when it was read as a record despite the problem. */
  skipped: boolean;
}

/** Whether a file holds aitrace records: not known yet, yes, or no (some other JSONL). */
export type TraceFileKind = 'unknown' | 'trace' | 'other';

/** What one `refresh` found. */
export interface RefreshResult {
  /** New records, problems or a reset since the last refresh. */
  changed: boolean;
  /** The file was truncated or replaced (rotation) and is being read again from its start. */
  reset: 'truncated' | 'rotated' | undefined;
  /** The file no longer exists. */
  missing: boolean;
}

// A file whose first lines hold no aitrace record is some other JSONL; stop reading it there.
const SNIFF_LINES = 20;
const CHUNK_BYTES = 1 << 20;

/**
 * One trace file read incrementally: each `refresh` reads only the bytes appended since the last one into the
 * forest's line reader and incremental builder, and starts over when the file is truncated or rotated.
 */
export class TraceFile {
  private reader!: LineReader;
  private builder!: ForestBuilder;
  private problemList: TraceProblem[] = [];
  private offset = 0;
  private inode = -1;
  private fileKind: TraceFileKind = 'unknown';
  private records = 0;
  private linesSeen = 0;
  private refreshing: Promise<RefreshResult> | undefined;
  private ended = false;
  private validatedLines = new Set<number>();
  private pids = new Set<number>();
  private pidList: number[] = [];
  private pidsVersion = 0;

  constructor(readonly path: string) {
    this.restart();
  }

  /** The file's base name. */
  get name(): string {
    return basename(this.path);
  }

  /** Whether the file holds aitrace records (decided by its first lines). */
  get kind(): TraceFileKind {
    return this.fileKind;
  }

  /** Records read so far. */
  get recordCount(): number {
    return this.records;
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.offset;
  }

  /** Bad lines found so far, by line number. */
  get problems(): readonly TraceProblem[] {
    return this.problemList;
  }

  /** Process ids of the writers seen in the records (only the traces changed since the last call are looked at). */
  get writerPids(): readonly number[] {
    if (this.pidsVersion === this.builder.version) return this.pidList;
    const before = this.pids.size;
    for (const traceId of this.builder.changedTraces(this.pidsVersion)) {
      walkSpans(this.builder.trace(traceId)?.roots ?? [], (node) => {
        if (node.pid !== undefined) this.pids.add(node.pid);
      });
    }
    this.pidsVersion = this.builder.version;
    if (this.pids.size !== before) this.pidList = [...this.pids];
    return this.pidList;
  }

  /** The span trees read so far (cached by the builder until new records arrive). */
  forest(): SpanForest {
    return this.builder.forest();
  }

  /** Marks the writers as gone (spans without an end become cut off) or back. Returns whether that changed anything. */
  setEnded(ended: boolean): boolean {
    if (this.ended === ended) return false;
    this.ended = ended;
    this.builder.setEnded(ended);
    return true;
  }

  /** Reads what was appended since the last call. Concurrent calls share one read. */
  refresh(): Promise<RefreshResult> {
    this.refreshing ??= this.readNew().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private restart(): void {
    this.builder = new ForestBuilder({ ended: this.ended });
    this.pids = new Set();
    this.pidList = [];
    this.pidsVersion = 0;
    this.problemList = [];
    this.offset = 0;
    this.records = 0;
    this.linesSeen = 0;
    this.fileKind = 'unknown';
    const validated = new Set<number>();
    this.validatedLines = validated;
    this.reader = new LineReader({
      // The same checks as `aitrace validate`, reported field by field.
      onValue: (value, line) => {
        for (const problem of validateRecord(value)) {
          this.problemList.push({ line, field: problem.field, message: problem.message, skipped: true });
          validated.add(line);
        }
      },
    });
  }

  private async readNew(): Promise<RefreshResult> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      const changed = this.offset > 0 || this.fileKind !== 'unknown';
      this.inode = -1;
      this.restart();
      return { changed, reset: undefined, missing: true };
    }
    let reset: RefreshResult['reset'];
    if (this.inode !== -1 && info.ino !== this.inode) reset = 'rotated';
    else if (info.size < this.offset) reset = 'truncated';
    if (reset !== undefined) this.restart();
    this.inode = info.ino;
    if (this.fileKind === 'other' || info.size === this.offset) return { changed: reset !== undefined, reset, missing: false };

    let changed = reset !== undefined;
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      // `take` may decide the file is not a trace file; stop reading it then.
      while (this.kind !== 'other') {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead <= 0) break;
        this.offset += bytesRead;
        if (this.take(buffer.subarray(0, bytesRead))) changed = true;
      }
    } finally {
      await handle.close();
    }
    return { changed, reset, missing: false };
  }

  private take(bytes: Uint8Array): boolean {
    const batch = this.reader.push(bytes);
    for (const problem of batch.problems) {
      // Lines the validator already reported field by field need no second, vaguer entry.
      if (!this.validatedLines.has(problem.line)) this.problemList.push({ line: problem.line, message: problem.message, skipped: true });
    }
    const readLines = new Set(batch.records.map((record) => record.line));
    for (const problem of this.problemList) if (problem.skipped && readLines.has(problem.line)) problem.skipped = false;
    this.problemList.sort((a, b) => a.line - b.line);
    this.records += batch.records.length;
    this.linesSeen += batch.records.length + new Set(batch.problems.map((p) => p.line)).size;
    if (this.fileKind === 'unknown') {
      if (batch.records.length > 0) this.fileKind = 'trace';
      else if (this.linesSeen >= SNIFF_LINES) this.fileKind = 'other';
    }
    if (this.fileKind === 'other') {
      this.problemList = [];
      return false;
    }
    const added = this.builder.add(batch.records);
    return added > 0 || batch.problems.length > 0;
  }
}
