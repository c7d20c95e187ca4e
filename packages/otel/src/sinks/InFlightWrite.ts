import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { devNull } from 'node:os';

const NEWLINE = 0x0a;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

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
export function waitForLanding(fd: number, from: number, rest: Buffer, quietMs: number): number {
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
export function occupyDescriptor(fd: number): void {
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
