import { closeSync, fstatSync, openSync, read, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { rotatedPath } from '@aitrace/format';

/** Options for `followFile`. */
export interface FollowOptions {
  /** How often to look for new data, ms (default 100). */
  intervalMs?: number;
  /** Start at the end of the file instead of the beginning (default false). */
  fromEnd?: boolean;
  /** Stops following. */
  signal?: AbortSignal;
}

/**
 * What `followFile` reports: new bytes; that a new sequence of lines starts, from the beginning of `path` (a
 * rotated file it had not read yet, the new file after a rotation, or the same file after a truncation); that
 * rotated files were deleted before they could be read (`files` of them, or an unknown number when undefined);
 * or that the file does not exist (yet).
 */
export type FollowEvent =
  | { type: 'data'; chunk: Buffer }
  | { type: 'reset'; reason: 'rotated' | 'truncated'; path: string }
  | { type: 'skipped'; files: number | undefined; message: string }
  | { type: 'missing' };

const READ_BYTES = 1 << 20;
// Rotated names looked at, `trace.1.jsonl` up to this; far more than any writer keeps.
const MAX_ROTATED = 1000;
// A rotation during a look at the rotated names makes it look again, RETRY_MS later; after MAX_LOOKS it reads what it found.
const MAX_LOOKS = 20;
const RETRY_MS = 3;
// A gap in the rotated names is counted as deleted files only if it is still there this much later (a writer paused
// in the middle of shifting its files leaves one for a moment).
const GAP_CONFIRM_MS = 50;

const readAt = promisify(read);

/** A file being read by its open descriptor, so it can be finished after it is renamed or deleted. */
interface OpenFile {
  fd: number;
  id: string;
  path: string;
  offset: number;
  mtimeMs: number;
}

const identity = (stats: { dev: number; ino: number }): string => `${stats.dev}:${stats.ino}`;

// Names are looked at with synchronous calls (each a few microseconds), so a look is short next to a writer's
// rotation; file contents are read asynchronously.
function idAt(path: string): string | undefined {
  try {
    return identity(statSync(path));
  } catch {
    return undefined;
  }
}

function openFile(path: string): OpenFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const stats = fstatSync(fd);
  return { fd, id: identity(stats), path, offset: 0, mtimeMs: stats.mtimeMs };
}

/** Yields what the file holds past its offset, to its current end. */
async function* drain(file: OpenFile): AsyncGenerator<FollowEvent> {
  for (;;) {
    const stats = fstatSync(file.fd);
    file.mtimeMs = stats.mtimeMs;
    if (stats.size <= file.offset) return;
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, stats.size - file.offset));
    const { bytesRead } = await readAt(file.fd, buffer, 0, buffer.length, file.offset);
    if (bytesRead <= 0) return;
    file.offset += bytesRead;
    yield { type: 'data', chunk: buffer.subarray(0, bytesRead) };
  }
}

/** What one look at the rotated names found, and whether nothing moved while it looked. */
interface Look {
  files: (OpenFile | undefined)[];
  settled: boolean;
}

/**
 * Opens the rotated files of `path`, `path.1` (newest) first (undefined: a number missing in between), up to the one
 * with identity `stopAt` (older ones are not needed); then checks that the path and every name still hold the same.
 */
function look(path: string, stopAt: string): Look {
  const before = idAt(path);
  const files: (OpenFile | undefined)[] = [];
  for (let n = 1; n <= MAX_ROTATED; n++) {
    const file = openFile(rotatedPath(path, n));
    // A missing number ends the run unless a later one exists (someone deleted files in the middle).
    if (file === undefined && idAt(rotatedPath(path, n + 1)) === undefined) break;
    files.push(file);
    if (file?.id === stopAt) break;
  }
  const settled = idAt(path) === before && files.every((file, i) => idAt(rotatedPath(path, i + 1)) === file?.id);
  return { files, settled };
}

function closeAll(files: readonly (OpenFile | undefined)[]): void {
  for (const file of files) if (file !== undefined) closeSync(file.fd);
}

const sameLook = (a: Look, b: Look): boolean => a.files.length === b.files.length && a.files.every((file, i) => file?.id === b.files[i]?.id);

/** Waits `ms`. */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The rotated files written after the one with identity `after` (last modified at `afterMtimeMs`) and before the
 * file open at the path (`opened`), oldest first, opened; and a notice when some of them were deleted unread.
 */
async function rotatedSince(path: string, after: string, afterMtimeMs: number, opened: OpenFile | undefined): Promise<{ files: OpenFile[]; skipped: FollowEvent | undefined }> {
  let found = look(path, after);
  for (let n = 1; n < MAX_LOOKS && !found.settled; n++) {
    // A rotation moved the files while they were looked at: look again shortly.
    closeAll(found.files);
    await pause(RETRY_MS);
    found = look(path, after);
  }
  if (found.settled && found.files.includes(undefined)) {
    await pause(GAP_CONFIRM_MS);
    const again = look(path, after);
    if (again.settled && sameLook(found, again)) closeAll(again.files);
    else {
      closeAll(found.files);
      found = { files: again.files, settled: again.settled && !again.files.includes(undefined) };
    }
  }
  const { settled } = found;
  const current = opened?.id;
  // Looked at while the writer kept rotating: a file moved up may show twice (the first place is the right one,
  // as the names are scanned upwards and shifted downwards), and a gap is only a file in motion.
  const ids = new Set<string>();
  const files: (OpenFile | undefined)[] = [];
  for (const file of found.files) {
    if (file !== undefined && ids.has(file.id)) closeSync(file.fd);
    else if (file !== undefined || settled) files.push(file);
    if (file !== undefined) ids.add(file.id);
  }
  const newest = current === undefined ? -1 : files.findIndex((file) => file?.id === current);
  const oldest = files.findIndex((file) => file?.id === after);
  let unread: (OpenFile | undefined)[];
  if (settled) {
    const between = (oldest === -1 ? files.slice(newest + 1) : files.slice(newest + 1, oldest)).reverse();
    // Without the last file read among them, the files written after it are those modified since (the clock is coarse).
    unread = oldest === -1 ? between.filter((file) => file === undefined || file.mtimeMs >= afterMtimeMs) : between;
  } else {
    // Names that kept moving give no order, but a rotated file is not written again: the files last written after
    // the one read and before the open one, by last write (stable: ties keep the names' order).
    const until = opened === undefined ? Infinity : fstatSync(opened.fd).mtimeMs;
    unread = files.filter((file) => file !== undefined && file.id !== current && file.id !== after && file.mtimeMs >= afterMtimeMs && file.mtimeMs <= until).reverse();
    unread.sort((a, b) => a!.mtimeMs - b!.mtimeMs);
  }
  for (const file of files) if (file !== undefined && !unread.includes(file)) closeSync(file.fd);
  const read = unread.filter((file): file is OpenFile => file !== undefined);
  const deleted = unread.length - read.length;
  let skipped: FollowEvent | undefined;
  if (deleted > 0) {
    const message = deleted === 1 ? '1 rotated file was deleted before it could be read; its records are not shown' : `${deleted} rotated files were deleted before they could be read; their records are not shown`;
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

/**
 * Follows a growing file like `tail -F`: yields appended bytes, and follows the file through rotation (a new file
 * under the same name) and truncation. On rotation it finishes the old file by its open descriptor, then reads the
 * rotated files written since (`trace.N.jsonl` ... `trace.1.jsonl`, the writer's names) that it had not read, in
 * order, then the new file; rotated files deleted before it could read them are reported.
 */
export async function* followFile(path: string, options: FollowOptions = {}): AsyncGenerator<FollowEvent> {
  const intervalMs = options.intervalMs ?? 100;
  let file: OpenFile | undefined;
  // The last file read to its end, after it was rotated away: the files written after it come next.
  let previous: { id: string; mtimeMs: number } | undefined;
  let missingPolls = 0;
  try {
    while (options.signal?.aborted !== true) {
      if (file !== undefined) {
        yield* drain(file);
        if (idAt(path) === file.id) {
          if (fstatSync(file.fd).size < file.offset) {
            file.offset = 0;
            yield { type: 'reset', reason: 'truncated', path };
            yield* drain(file);
          }
        } else {
          // Rotated or removed: what was written to it before that is still readable through the descriptor.
          yield* drain(file);
          previous = { id: file.id, mtimeMs: file.mtimeMs };
          closeSync(file.fd);
          file = undefined;
        }
      }
      if (file === undefined) {
        // Held from here, so that it is closed however following stops.
        const opened = openFile(path);
        file = opened;
        if (previous !== undefined) {
          const rotated = await rotatedSince(path, previous.id, previous.mtimeMs, opened);
          if (rotated.skipped !== undefined) yield rotated.skipped;
          const unread = new Set(rotated.files);
          try {
            for (const older of rotated.files) {
              yield { type: 'reset', reason: 'rotated', path: older.path };
              yield* drain(older);
              previous = { id: older.id, mtimeMs: older.mtimeMs };
              closeSync(older.fd);
              unread.delete(older);
            }
          } finally {
            closeAll([...unread]);
          }
        }
        if (opened === undefined) {
          // Right after a rotation the writer may not have made the new file yet: missing only if still so a poll later.
          missingPolls++;
          if (missingPolls === (previous === undefined ? 1 : 2)) yield { type: 'missing' };
        } else {
          missingPolls = 0;
          if (previous !== undefined) yield { type: 'reset', reason: 'rotated', path };
          else if (options.fromEnd === true) opened.offset = fstatSync(opened.fd).size;
          yield* drain(opened);
        }
      }
      await new Promise<void>((resolve) => {
        const signal = options.signal;
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        // The listener goes with the poll it belongs to, or a long tail would pile up one per interval.
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, intervalMs);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  } finally {
    if (file !== undefined) closeSync(file.fd);
  }
}
