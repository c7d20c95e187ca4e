import { closeSync, fstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

// Rotation holds the lock for a few renames (milliseconds); a lock this old was left by a process that died in it.
const STALE_MS = 10_000;
const WAIT_MS = 5000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The lock file that serialises rotation of `path` across processes. */
export function rotationLockPath(path: string): string {
  return `${path}.lock`;
}

/**
 * Runs `fn` while holding an exclusive lock file next to `path` (created with O_CREAT|O_EXCL, holding the owner's
 * pid and host), so processes sharing one trace file never shift its rotated files at the same time. A lock
 * left by a dead process (same host) or older than 10 s is broken. Waits up to 5 s, then throws naming the holder.
 */
export function withRotationLock<T>(path: string, fn: () => T): T {
  const lockPath = rotationLockPath(path);
  const ino = acquire(lockPath);
  try {
    return fn();
  } finally {
    release(lockPath, ino);
  }
}

function acquire(lockPath: string): number {
  const started = Date.now();
  const self = `${process.pid} ${hostname()}\n`;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, self);
        return fstatSync(fd).ino;
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockPath);
    if (holder !== undefined && isStale(holder)) {
      breakLock(lockPath, holder.ino);
      continue;
    }
    if (Date.now() - started > WAIT_MS) {
      throw new Error(`${lockPath}: the rotation lock is held by ${holder?.owner ?? 'another process'} for more than ${WAIT_MS / 1000} s; remove the file if that process is gone`);
    }
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

interface Holder {
  ino: number;
  owner: string;
  pid: number;
  host: string;
  ageMs: number;
}

function readHolder(lockPath: string): Holder | undefined {
  try {
    const stats = statSync(lockPath);
    // A lock file its owner has not written yet reads empty: it is judged by its age alone.
    const [pid, host] = readFileSync(lockPath, 'utf8').trim().split(' ');
    return { ino: stats.ino, owner: `pid ${pid ?? '?'} on ${host ?? '?'}`, pid: Number(pid), host: host ?? '', ageMs: Date.now() - stats.mtimeMs };
  } catch {
    return undefined;
  }
}

function isStale(holder: Holder): boolean {
  if (holder.ageMs > STALE_MS) return true;
  if (holder.host !== hostname() || !Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes a stale lock, unless another process replaced it meanwhile (then that one is judged afresh). */
function breakLock(lockPath: string, ino: number): void {
  try {
    if (statSync(lockPath).ino === ino) unlinkSync(lockPath);
  } catch {
    // Gone already: someone else broke it.
  }
}

function release(lockPath: string, ino: number): void {
  try {
    if (statSync(lockPath).ino === ino) unlinkSync(lockPath);
  } catch {
    // Broken by another process as stale: nothing left to release.
  }
}
