import { validateRecord } from '@aitrace/format';
import { ForestBuilder, walkSpans, type LineProblem, type LineRecord, type SpanForest } from '@aitrace/forest';
import { FileFollower } from '@aitrace/forest/node';
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
// Read per look, so a file found to be other JSONL is not read much further.
const POLL_BYTES = 1 << 20;

/**
 * One trace file read incrementally: each `refresh` reads only the bytes appended since the last one (through the
 * forest's file follower) into an incremental builder, and starts over when the file is truncated or rotated (a
 * rotated file is a file of its own in the workspace).
 */
export class TraceFile {
  private readonly follower: FileFollower;
  private builder!: ForestBuilder;
  private problemList: TraceProblem[] = [];
  private wasMissing = false;
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
    this.follower = new FileFollower(path, {
      readRotated: false,
      maxBytesPerPoll: POLL_BYTES,
      // The same checks as `aitrace validate`, reported field by field.
      onValue: (value, line) => {
        for (const problem of validateRecord(value)) {
          this.problemList.push({ line, field: problem.field, message: problem.message, skipped: true });
          this.validatedLines.add(line);
        }
      },
    });
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

  /** Bytes read so far, to the end of the last complete line. */
  get bytesRead(): number {
    return this.follower.position?.offset ?? 0;
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

  /** Stops following the file and closes it. */
  close(): Promise<void> {
    return this.follower.close();
  }

  private restart(): void {
    this.builder = new ForestBuilder({ ended: this.ended });
    this.pids = new Set();
    this.pidList = [];
    this.pidsVersion = 0;
    this.problemList = [];
    this.records = 0;
    this.linesSeen = 0;
    this.fileKind = 'unknown';
    this.validatedLines = new Set();
  }

  private async readNew(): Promise<RefreshResult> {
    const hadContent = this.records > 0 || this.problemList.length > 0 || this.fileKind !== 'unknown';
    let changed = false;
    let reset: RefreshResult['reset'];
    do {
      // A file found to hold other JSONL is not read, but still watched for a truncation or a new file.
      for (const event of await this.follower.poll({ skip: this.fileKind === 'other' })) {
        if (event.type === 'reset') {
          this.restart();
          changed = true;
          // Back after it was missing is no reset: nothing was shown.
          if (!this.wasMissing) reset = event.reason;
        } else if (event.type === 'lines' && this.take(event.records, event.problems)) changed = true;
      }
    } while (this.follower.behind && this.fileKind !== 'other');
    const missing = this.follower.missing;
    if (missing) {
      this.restart();
      changed = hadContent;
    }
    this.wasMissing = missing;
    return { changed, reset, missing };
  }

  private take(records: LineRecord[], problems: LineProblem[]): boolean {
    for (const problem of problems) {
      // Lines the validator already reported field by field need no second, vaguer entry.
      if (!this.validatedLines.has(problem.line)) this.problemList.push({ line: problem.line, message: problem.message, skipped: true });
    }
    const readLines = new Set(records.map((record) => record.line));
    for (const problem of this.problemList) if (problem.skipped && readLines.has(problem.line)) problem.skipped = false;
    this.problemList.sort((a, b) => a.line - b.line);
    this.records += records.length;
    this.linesSeen += records.length + new Set(problems.map((p) => p.line)).size;
    if (this.fileKind === 'unknown') {
      if (records.length > 0) this.fileKind = 'trace';
      else if (this.linesSeen >= SNIFF_LINES) this.fileKind = 'other';
    }
    if (this.fileKind === 'other') {
      this.problemList = [];
      return false;
    }
    const added = this.builder.add(records);
    return added > 0 || problems.length > 0;
  }
}
