import { closeSync, fstatSync, openSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { rotatedPath } from '@aitrace/format';
import type { LineProblem, LineRecord } from '../LineReader.js';
import { systemClock, type FollowClock } from './FollowClock.js';
import { fileIdentity, TailedFile, type FilePosition, type TailedFileOptions } from './TailedFile.js';

/**
 * What a follower reports: the records and bad lines of newly completed lines of `path` (with the position after
 * them); that a new sequence of lines starts, from the beginning of `path` (a rotated file it had not read yet,
 * the new file after a rotation, or the same file after a truncation); that rotated files were deleted before
 * they could be read (`files` of them, or an unknown number when undefined); or that the file does not exist (yet).
 */
export type FollowEvent =
  | { type: 'lines'; path: string; records: LineRecord[]; problems: LineProblem[]; position: FilePosition }
  | { type: 'reset'; reason: 'rotated' | 'truncated'; path: string }
  | { type: 'skipped'; files: number | undefined; message: string }
  | { type: 'missing' };

/** Options for `FileFollower`. */
export interface FileFollowerOptions extends TailedFileOptions {
  /**
   * After a rotation, finish the old file by its descriptor and read the rotated files written since, as `tail -F`
   * does (default true). False goes straight on with the new file, for views that show each rotated file on its own.
   */
  readRotated?: boolean;
  /** Bytes read by one `poll` at most (default 8 MiB), so a large backlog comes in bounded batches. */
  maxBytesPerPoll?: number;
  /** Waits for the short pauses while the writer moves rotated files (default: real timers). */
  clock?: FollowClock;
}

const MAX_BYTES_PER_POLL = 8 << 20;
/** How long the path may be missing after a rotation before the follower says so. */
export const ROTATION_GAP_MS = 2_000;
// Rotated names looked at, `trace.1.jsonl` up to this; far more than any writer keeps.
const MAX_ROTATED = 1000;
// A rotation during a look at the rotated names makes it look again, RETRY_MS later; after MAX_LOOKS it reads what it found.
const MAX_LOOKS = 20;
const RETRY_MS = 3;
// A gap in the rotated names is counted as deleted files only if it is still there this much later (a writer paused
// in the middle of shifting its files leaves one for a moment).
const GAP_CONFIRM_MS = 50;

/** A rotated file opened during a look at the names (synchronous calls, each a few microseconds, so a look is short next to a writer's rotation). */
interface Opened {
  fd: number;
  id: string;
  path: string;
  stats: Stats;
}

function idAt(path: string): string | undefined {
  try {
    return fileIdentity(statSync(path));
  } catch {
    return undefined;
  }
}

function openNamed(path: string): Opened | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const stats = fstatSync(fd);
  return { fd, id: fileIdentity(stats), path, stats };
}

/** What one look at the rotated names found, and whether nothing moved while it looked. */
interface Look {
  files: (Opened | undefined)[];
  settled: boolean;
}

/**
 * Opens the rotated files of `path`, `path.1` (newest) first (undefined: a number missing in between), up to the one
 * with identity `stopAt` (older ones are not needed); then checks that the path and every name still hold the same.
 */
function look(path: string, stopAt: string): Look {
  const before = idAt(path);
  const files: (Opened | undefined)[] = [];
  for (let n = 1; n <= MAX_ROTATED; n++) {
    const file = openNamed(rotatedPath(path, n));
    // A missing number ends the run unless a later one exists (someone deleted files in the middle).
    if (file === undefined && idAt(rotatedPath(path, n + 1)) === undefined) break;
    files.push(file);
    if (file?.id === stopAt) break;
  }
  const settled = idAt(path) === before && files.every((file, i) => idAt(rotatedPath(path, i + 1)) === file?.id);
  return { files, settled };
}

function closeAll(files: readonly (Opened | undefined)[]): void {
  for (const file of files) if (file !== undefined) closeSync(file.fd);
}

const sameLook = (a: Look, b: Look): boolean => a.files.length === b.files.length && a.files.every((file, i) => file?.id === b.files[i]?.id);

/**
 * The rotated files written after the one with identity `after` (last modified at `afterMtimeMs`) and before the
 * file open at the path (`current`), oldest first, opened; and a notice when some of them were deleted unread.
 */
async function rotatedSince(
  path: string,
  after: string,
  afterMtimeMs: number,
  current: TailedFile | undefined,
  clock: FollowClock,
): Promise<{ files: Opened[]; skipped: FollowEvent | undefined }> {
  let found = look(path, after);
  for (let n = 1; n < MAX_LOOKS && !found.settled; n++) {
    // A rotation moved the files while they were looked at: look again shortly.
    closeAll(found.files);
    await clock.sleep(RETRY_MS);
    found = look(path, after);
  }
  if (found.settled && found.files.includes(undefined)) {
    await clock.sleep(GAP_CONFIRM_MS);
    const again = look(path, after);
    if (again.settled && sameLook(found, again)) closeAll(again.files);
    else {
      closeAll(found.files);
      found = { files: again.files, settled: again.settled && !again.files.includes(undefined) };
    }
  }
  const { settled } = found;
  // Looked at while the writer kept rotating: a file moved up may show twice (the first place is the right one,
  // as the names are scanned upwards and shifted downwards), and a gap is only a file in motion.
  const ids = new Set<string>();
  const files: (Opened | undefined)[] = [];
  for (const file of found.files) {
    if (file !== undefined && ids.has(file.id)) closeSync(file.fd);
    else if (file !== undefined || settled) files.push(file);
    if (file !== undefined) ids.add(file.id);
  }
  const newest = current === undefined ? -1 : files.findIndex((file) => file?.id === current.id);
  const oldest = files.findIndex((file) => file?.id === after);
  let unread: (Opened | undefined)[];
  if (settled) {
    const between = (oldest === -1 ? files.slice(newest + 1) : files.slice(newest + 1, oldest)).reverse();
    // Without the last file read among them, the files written after it are those modified since (the clock is coarse).
    unread = oldest === -1 ? between.filter((file) => file === undefined || file.stats.mtimeMs >= afterMtimeMs) : between;
  } else {
    // Names that kept moving give no order, but a rotated file is not written again: the files last written after
    // the one read and before the open one, by last write (stable: ties keep the names' order).
    const until = current === undefined ? Infinity : current.mtimeMs;
    unread = files
      .filter((file) => file !== undefined && file.id !== current?.id && file.id !== after && file.stats.mtimeMs >= afterMtimeMs && file.stats.mtimeMs <= until)
      .reverse();
    unread.sort((a, b) => a!.stats.mtimeMs - b!.stats.mtimeMs);
  }
  for (const file of files) if (file !== undefined && !unread.includes(file)) closeSync(file.fd);
  const read = unread.filter((file): file is Opened => file !== undefined);
  const deleted = unread.length - read.length;
  let skipped: FollowEvent | undefined;
  if (deleted > 0) {
    const message =
      deleted === 1
        ? '1 rotated file was deleted before it could be read; its records are not shown'
        : `${deleted} rotated files were deleted before they could be read; their records are not shown`;
    skipped = { type: 'skipped', files: deleted, message };
  } else if (oldest === -1 && read.length > 0 && read[0]!.path === rotatedPath(path, found.files.length)) {
    // The last file read went past the oldest kept name: files rotated between it and that one are gone.
    skipped = {
      type: 'skipped',
      files: undefined,
      message: `the file was rotated faster than it was read, past the oldest rotated file kept (${read[0]!.path}); records written before that one may be missing`,
    };
  }
  return { files: read, skipped };
}

/** A file in the follower's queue; `detached` once it is no longer the file at the path (rotated away or removed). */
interface Queued {
  file: TailedFile;
  detached: boolean;
}

/**
 * Follows one path like `tail -F`, one `poll` at a time: reports the lines appended since the last poll, and
 * follows the file through rotation and truncation, telling files apart by identity (device and inode). On
 * rotation it finishes the old file by its open descriptor, then reads the rotated files written since
 * (`trace.N.jsonl` ... `trace.1.jsonl`, the writer's names) that it had not read, in order, then the new file;
 * rotated files deleted before it could read them are reported. A partial last line waits for its newline.
 */
export class FileFollower {
  private readonly queue: Queued[] = [];
  // The last file read to its end after it was rotated away: the files written after it come next.
  private previous: { id: string; mtimeMs: number } | undefined;
  // When the path was first found missing after a rotation; undefined while it is there.
  private missingSince: number | undefined;
  private missingTold = false;
  private started = false;
  private polling: Promise<FollowEvent[]> | undefined;
  private closed = false;
  private lagging = false;
  private readonly clock: FollowClock;
  private readonly readRotated: boolean;
  private readonly maxBytesPerPoll: number;

  constructor(
    /** The path followed. */
    readonly path: string,
    private readonly options: FileFollowerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.readRotated = options.readRotated ?? true;
    this.maxBytesPerPoll = options.maxBytesPerPoll ?? MAX_BYTES_PER_POLL;
  }

  /** Whether the last poll stopped at its byte budget with more to read (poll again without waiting). */
  get behind(): boolean {
    return this.lagging;
  }

  /** Whether the last poll found no file at the path (and none left to read). */
  get missing(): boolean {
    return this.started && this.queue.length === 0;
  }

  /** Where reading the file at the path stands; undefined while there is none. */
  get position(): FilePosition | undefined {
    return this.queue.at(-1)?.file.at;
  }

  /**
   * Looks at the path once and reads what is new. `skip` moves past new bytes without reading them (for a file
   * known to hold no records) while still noticing rotation and truncation. Concurrent calls share one poll.
   */
  poll(options: { skip?: boolean } = {}): Promise<FollowEvent[]> {
    this.polling ??= this.pollOnce(options.skip === true).finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(skip: boolean): Promise<FollowEvent[]> {
    const events: FollowEvent[] = [];
    this.lagging = false;
    if (this.closed) return events;
    let budget = this.maxBytesPerPoll;
    let opened = false;
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) {
        if (opened || !(await this.openPath(events))) break;
        opened = true;
        continue;
      }
      const { file } = head;
      if (skip && !head.detached) {
        if (await file.skipToEnd()) events.push({ type: 'reset', reason: 'truncated', path: file.path });
      } else {
        const read = await file.read({ final: head.detached, maxBytes: budget });
        budget -= read.bytes;
        if (read.truncated) events.push({ type: 'reset', reason: 'truncated', path: file.path });
        if (read.records.length > 0 || read.problems.length > 0)
          events.push({ type: 'lines', path: file.path, records: read.records, problems: read.problems, position: read.position });
        if (read.more) {
          this.lagging = true;
          break;
        }
      }
      if (!head.detached) {
        if ((await this.idAtPath()) === file.id) break;
        // Rotated or removed: what was written to it before that is still readable through the descriptor.
        head.detached = true;
        if (this.readRotated && !skip) continue;
      }
      this.queue.shift();
      this.previous = { id: file.id, mtimeMs: file.mtimeMs };
      await file.close();
      const next = this.queue[0];
      if (next !== undefined) events.push({ type: 'reset', reason: 'rotated', path: next.file.path });
    }
    return events;
  }

  private async idAtPath(): Promise<string | undefined> {
    try {
      return fileIdentity(await stat(this.path));
    } catch {
      return undefined;
    }
  }

  /** Opens the file at the path and queues it after the rotated files written since the last one read; false when there is nothing to read. */
  private async openPath(events: FollowEvent[]): Promise<boolean> {
    const first = !this.started;
    this.started = true;
    let current: TailedFile | undefined;
    try {
      current = await TailedFile.open(this.path, first ? this.options : { ...this.options, start: undefined });
    } catch {
      current = undefined;
    }
    if (this.previous !== undefined && this.readRotated) {
      const rotated = await rotatedSince(this.path, this.previous.id, this.previous.mtimeMs, current, this.clock);
      if (rotated.skipped !== undefined) events.push(rotated.skipped);
      for (const older of rotated.files) this.queue.push({ file: TailedFile.fromDescriptor(older.fd, older.path, older.stats, this.options), detached: true });
    }
    if (current === undefined) {
      // Right after a rotation the writer may not have made the new file yet (a busy machine can take a while between
      // its rename and its create): missing only once the path has stayed away for ROTATION_GAP_MS.
      const now = this.clock.now();
      this.missingSince ??= now;
      if (!this.missingTold && (this.previous === undefined || now - this.missingSince >= ROTATION_GAP_MS)) {
        this.missingTold = true;
        events.push({ type: 'missing' });
      }
    } else {
      this.missingSince = undefined;
      this.missingTold = false;
      this.queue.push({ file: current, detached: false });
    }
    const next = this.queue[0];
    if (next === undefined) return false;
    if (this.previous !== undefined) events.push({ type: 'reset', reason: 'rotated', path: next.file.path });
    return true;
  }

  /** Stops following and closes the files; later polls report nothing. */
  async close(): Promise<void> {
    this.closed = true;
    await this.polling?.catch(() => undefined);
    for (const { file } of this.queue.splice(0)) await file.close();
  }
}
