import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
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
const MAX_LOOKS = 5;
const RETRY_MS = 10;

/** A file being read by its open descriptor, so it can be finished after it is renamed or deleted. */
interface OpenFile {
  handle: FileHandle;
  id: string;
  path: string;
  offset: number;
  mtimeMs: number;
}

const identity = (stats: { dev: number; ino: number }): string => `${stats.dev}:${stats.ino}`;

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

async function openFile(path: string): Promise<OpenFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  const stats = await handle.stat();
  return { handle, id: identity(stats), path, offset: 0, mtimeMs: stats.mtimeMs };
}

/** Yields what the file holds past its offset, to its current end. */
async function* drain(file: OpenFile): AsyncGenerator<FollowEvent> {
  for (;;) {
    const stats = await file.handle.stat();
    file.mtimeMs = stats.mtimeMs;
    if (stats.size <= file.offset) return;
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, stats.size - file.offset));
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.offset);
    if (bytesRead <= 0) return;
    file.offset += bytesRead;
    yield { type: 'data', chunk: buffer.subarray(0, bytesRead) };
  }
}

/** The rotated files of `path` now, `path.1` (newest) first, each opened (undefined: a number missing in between). */
async function openRotated(path: string): Promise<(OpenFile | undefined)[]> {
  const files: (OpenFile | undefined)[] = [];
  for (let n = 1; n <= MAX_ROTATED; n++) {
    const file = await openFile(rotatedPath(path, n));
    // A missing number ends the run unless a later one exists (someone deleted files in the middle).
    if (file === undefined && (await statOrUndefined(rotatedPath(path, n + 1))) === undefined) break;
    files.push(file);
  }
  return files;
}

/** Whether the rotated files opened are still where they were (with the same gaps), and the path the same file. */
async function unchanged(path: string, before: string | undefined, files: readonly (OpenFile | undefined)[]): Promise<boolean> {
  const now = await statOrUndefined(path);
  if ((now && identity(now)) !== before) return false;
  for (let n = 1; n <= files.length; n++) {
    const there = await statOrUndefined(rotatedPath(path, n));
    if ((there && identity(there)) !== files[n - 1]?.id) return false;
  }
  return true;
}

/**
 * The rotated files written after the one with identity `after` (last modified at `afterMtimeMs`) and before the
 * file open at the path (`current`), oldest first, opened; and how many of those were deleted unread.
 */
async function rotatedSince(path: string, after: string, afterMtimeMs: number, current: string | undefined): Promise<{ files: OpenFile[]; skipped: FollowEvent | undefined }> {
  for (let look = 1; ; look++) {
    const before = await statOrUndefined(path);
    const found = await openRotated(path);
    const settled = await unchanged(path, before && identity(before), found);
    if (!settled && look < MAX_LOOKS) {
      // A rotation moved the files while they were looked at: look again shortly.
      for (const file of found) await file?.handle.close();
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      continue;
    }
    // Looked at while the writer kept rotating: a file moved up may show twice (the first place is the right one,
    // as the names are scanned upwards and shifted downwards), and a gap is only a file in motion.
    const ids = new Set<string>();
    const files: (OpenFile | undefined)[] = [];
    for (const file of found) {
      if (file !== undefined && ids.has(file.id)) await file.handle.close();
      else if (file !== undefined || settled) files.push(file);
      if (file !== undefined) ids.add(file.id);
    }
    const newest = current === undefined ? -1 : files.findIndex((file) => file?.id === current);
    const oldest = files.findIndex((file) => file?.id === after);
    const from = newest === -1 ? 0 : newest + 1;
    // Without the last file read among them, the files written after it are those modified since (the clock is coarse).
    const between = (oldest === -1 ? files.slice(from) : files.slice(from, oldest)).reverse();
    const unread = oldest === -1 ? between.filter((file) => file === undefined || file.mtimeMs >= afterMtimeMs) : between;
    for (const file of files) if (file !== undefined && !unread.includes(file)) await file.handle.close();
    const read = unread.filter((file): file is OpenFile => file !== undefined);
    const deleted = unread.length - read.length;
    let skipped: FollowEvent | undefined;
    if (deleted > 0) {
      const message = deleted === 1 ? '1 rotated file was deleted before it could be read; its records are not shown' : `${deleted} rotated files were deleted before they could be read; their records are not shown`;
      skipped = { type: 'skipped', files: deleted, message };
    } else if (oldest === -1 && read.length > 0 && read[0]!.path === rotatedPath(path, found.length)) {
      // The last file read went past the oldest kept name: files rotated between it and that one are gone.
      skipped = {
        type: 'skipped',
        files: undefined,
        message: `the file was rotated faster than it was read, past the oldest rotated file kept (${read[0]!.path}); records written before that one may be missing`,
      };
    }
    return { files: read, skipped };
  }
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
        const now = await statOrUndefined(path);
        if (now !== undefined && identity(now) === file.id) {
          if (now.size < file.offset) {
            file.offset = 0;
            yield { type: 'reset', reason: 'truncated', path };
            yield* drain(file);
          }
        } else {
          // Rotated or removed: what was written to it before that is still readable through the descriptor.
          yield* drain(file);
          previous = { id: file.id, mtimeMs: file.mtimeMs };
          await file.handle.close();
          file = undefined;
        }
      }
      if (file === undefined) {
        const opened = await openFile(path);
        if (previous !== undefined) {
          const rotated = await rotatedSince(path, previous.id, previous.mtimeMs, opened?.id);
          if (rotated.skipped !== undefined) yield rotated.skipped;
          for (const older of rotated.files) {
            try {
              yield { type: 'reset', reason: 'rotated', path: older.path };
              yield* drain(older);
              previous = { id: older.id, mtimeMs: older.mtimeMs };
            } finally {
              await older.handle.close();
            }
          }
        }
        if (opened === undefined) {
          // Right after a rotation the writer may not have made the new file yet: missing only if still so a poll later.
          missingPolls++;
          if (missingPolls === (previous === undefined ? 1 : 2)) yield { type: 'missing' };
        } else {
          missingPolls = 0;
          file = opened;
          if (previous !== undefined) yield { type: 'reset', reason: 'rotated', path };
          else if (options.fromEnd === true) file.offset = (await file.handle.stat()).size;
          yield* drain(file);
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
    await file?.handle.close();
  }
}
