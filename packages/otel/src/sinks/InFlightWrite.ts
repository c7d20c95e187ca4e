import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { devNull } from 'node:os';

const NEWLINE = 0x0a;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
// A write queued in the thread pool that shows no progress for this long at exit is taken over.
const LANDING_QUIET_MS = 100;
const SETTLE_MS = 10;
const EMPTY = Buffer.alloc(0);

/** An asynchronous write handed to libuv's thread pool, as far as the writer itself knows it. */
export interface InFlightWrite {
  chunks: readonly Buffer[];
  /** Bytes the callbacks of completed writev calls confirmed (a partial write is continued by another call). */
  confirmed: number;
  /** The file's size when the current call was issued: its bytes land at this offset or after it. */
  from: number;
  /** Set when the exit path took the write over: a late callback then neither writes on nor reports. */
  abandoned: boolean;
}

/** What the exit takeover needs from the file sink whose write it finishes. */
export interface TakeoverFile {
  /** The sink's file path. */
  readonly path: string;
  /** Opens the path again as the sink's descriptor; the old descriptor is still open while this runs. */
  openAnew(): void;
  /** Writes the bytes whole through the sink's current descriptor before returning. */
  writeAllSync(bytes: Buffer): void;
}

/**
 * The one busy-wait at exit. An asynchronous write may still sit in libuv's thread pool, where it would be lost
 * with the process. Its bytes are looked for in the file (other processes may have appended before and after
 * them): found whole, it is done. If it shows no progress for 100 ms (the pool is busy), its descriptor `fd` is
 * closed and the number held by the null device, so it can no longer land late; then what of it is not in the
 * file is written through a new descriptor, once. A late callback of the write does nothing (`abandoned`).
 */
export function finishAtExit(pending: InFlightWrite, fd: number, file: TakeoverFile): void {
  pending.abandoned = true;
  const rest = Buffer.concat(skipBytes(pending.chunks, pending.confirmed));
  let landed = waitForLanding(fd, pending.from, rest, LANDING_QUIET_MS);
  if (landed < rest.length) {
    // Both are opened before the old descriptor is closed, so neither can take over its number.
    const sameFile = openSameFile(fd, file.path);
    try {
      file.openAnew();
    } finally {
      closeSync(fd);
      occupyDescriptor(fd);
    }
    if (sameFile !== undefined) {
      try {
        // A write the kernel had begun before the close finishes first: ext4, xfs and tmpfs take the file's lock
        // even for 0 bytes; where a file system does not (overlayfs), the short wait lets it show.
        writeSync(sameFile, EMPTY);
        landed = waitForLanding(sameFile, pending.from, rest, SETTLE_MS);
      } finally {
        closeSync(sameFile);
      }
    }
  }
  try {
    if (landed < rest.length) file.writeAllSync(rest.subarray(landed));
  } catch (error) {
    // Bytes of the earlier write, not of the chunk the caller is writing now: the error must not count them.
    throw new Error(`${(error as Error).message} (finishing an earlier asynchronous write)`, { cause: error });
  }
}

/** A second descriptor for the file `fd` has open (renamed or deleted, it is no longer at the path), if any. */
function openSameFile(fd: number, path: string): number | undefined {
  const ino = fstatSync(fd).ino;
  for (const candidate of [`/proc/self/fd/${fd}`, path]) {
    try {
      const other = openSync(candidate, 'r+');
      if (fstatSync(other).ino === ino) return other;
      closeSync(other);
    } catch {
      // Not on Linux, or the file is no longer at the path.
    }
  }
  return undefined;
}

/** The chunks after their first `count` bytes. */
export function skipBytes(chunks: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return rest;
}

/**
 * How many leading bytes of `rest` are in the file after `from`: all of them when they are there in one run from a
 * line start, k when the file ends with their first k bytes (a write still being copied, or cut by an error), else 0.
 * On Linux an O_APPEND write holds the file's lock for its whole length, so other processes' lines never land
 * inside it; its bytes are found whole wherever they landed, whatever others appended before or after.
 */
export function landedPrefix(fd: number, from: number, rest: Buffer): number {
  const size = fstatSync(fd).size;
  if (size <= from || rest.length === 0) return 0;
  const region = Buffer.allocUnsafe(size - from);
  let read = 0;
  while (read < region.length) {
    const n = readSync(fd, region, read, region.length - read, from + read);
    if (n === 0) break;
    read += n;
  }
  const file = region.subarray(0, read);
  const probe = rest.subarray(0, Math.min(rest.indexOf(NEWLINE) + 1 || rest.length, 256));
  for (let at = file.indexOf(probe); at >= 0; at = file.indexOf(probe, at + 1)) {
    if (at > 0 && file[at - 1] !== NEWLINE) continue;
    const have = Math.min(file.length - at, rest.length);
    if (file.subarray(at, at + have).equals(rest.subarray(0, have)) && (have === rest.length || at + have === file.length)) return have;
  }
  // Fewer bytes than the probe: the file ends with the start of the first line.
  const lineStart = file.lastIndexOf(NEWLINE) + 1;
  const tail = file.subarray(lineStart);
  if (tail.length > 0 && tail.length < probe.length && tail.equals(rest.subarray(0, tail.length))) return tail.length;
  return 0;
}

/** Polls `landedPrefix` until all of `rest` is there or it made no progress for `quietMs`. */
function waitForLanding(fd: number, from: number, rest: Buffer, quietMs: number): number {
  let landed = landedPrefix(fd, from, rest);
  let quietSince = Date.now();
  while (landed < rest.length && Date.now() - quietSince < quietMs) {
    Atomics.wait(sleeper, 0, 0, 1);
    const now = landedPrefix(fd, from, rest);
    if (now !== landed) quietSince = Date.now();
    landed = now;
  }
  return landed;
}

/**
 * Keeps descriptor number `fd`, just closed, taken by the null device: a write still queued in the thread pool for
 * that number then goes nowhere instead of into whatever file the process opens next. POSIX gives the lowest free
 * number to each open, so lower free numbers are filled first and given back. The placeholder stays open.
 */
function occupyDescriptor(fd: number): void {
  const fillers: number[] = [];
  try {
    for (let i = 0; i <= 64; i++) {
      const next = openSync(devNull, 'w');
      if (next === fd) return;
      fillers.push(next);
      if (next > fd) return;
    }
  } catch {
    // Out of descriptors: the number stays free, as it would without this guard.
  } finally {
    for (const filler of fillers) closeSync(filler);
  }
}
