import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
 * left by a dead process (same host) or older than 10 s is broken. Waits up to `waitMs` (5 s), then throws naming the holder.
 */
export function withRotationLock<T>(path: string, fn: () => T, waitMs = WAIT_MS): T {
  const lockPath = rotationLockPath(path);
  const token = acquire(lockPath, waitMs);
  try {
    return fn();
  } finally {
    removeIfStill(lockPath, token);
  }
}

/** Takes the lock; returns its content, unique to this holder (inode numbers are reused, a token is not). */
function acquire(lockPath: string, waitMs: number): string {
  const started = Date.now();
  const token = `${process.pid} ${hostname()} ${randomUUID()}\n`;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, token);
        return token;
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockPath);
    if (holder !== undefined && isStale(holder)) {
      removeIfStill(lockPath, holder.token);
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw new Error(
        `${lockPath}: the rotation lock is held by ${holder?.owner ?? 'another process'} for more than ${waitMs} ms; remove the file if that process is gone`,
      );
    }
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

interface Holder {
  token: string;
  owner: string;
  pid: number;
  host: string;
  ageMs: number;
}

function readHolder(lockPath: string): Holder | undefined {
  try {
    const stats = statSync(lockPath);
    // A lock file its owner has not written yet reads empty: it is judged by its age alone.
    const token = readFileSync(lockPath, 'utf8');
    const [pid, host] = token.trim().split(' ');
    return { token, owner: `pid ${pid ?? '?'} on ${host ?? '?'}`, pid: Number(pid), host: host ?? '', ageMs: Date.now() - stats.mtimeMs };
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

/** Removes the lock if it still holds `token`: a stale one being broken, or this process's own when done. */
function removeIfStill(lockPath: string, token: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
  } catch {
    // Gone already: broken by another process, or released.
  }
}
