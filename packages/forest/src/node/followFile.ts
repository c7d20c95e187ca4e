import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** Options for `followFile`. */
export interface FollowOptions {
  /** How often to look for new data, ms (default 100). */
  intervalMs?: number;
  /** Start at the end of the file instead of the beginning (default false). */
  fromEnd?: boolean;
  /** Stops following. */
  signal?: AbortSignal;
}

/** What `followFile` reports: new bytes, or that the file was replaced or truncated (rotation). */
export type FollowEvent = { type: 'data'; chunk: Buffer } | { type: 'reset'; reason: 'rotated' | 'truncated' } | { type: 'missing' };

/**
 * Follows a growing file like `tail -F`: yields appended bytes, and notices when the file is rotated away
 * (a new file under the same name) or truncated, then continues from the start of the new content.
 */
export async function* followFile(path: string, options: FollowOptions = {}): AsyncGenerator<FollowEvent> {
  const intervalMs = options.intervalMs ?? 100;
  let fd: number | undefined;
  let inode = -1;
  let offset = 0;
  let first = true;
  let reportedMissing = false;
  const buffer = Buffer.alloc(1 << 20);
  try {
    while (options.signal?.aborted !== true) {
      let current: ReturnType<typeof statSync> | undefined;
      try {
        current = statSync(path);
      } catch {
        current = undefined;
      }
      if (current === undefined) {
        if (!reportedMissing) yield { type: 'missing' };
        reportedMissing = true;
      } else {
        reportedMissing = false;
        if (fd !== undefined && current.ino !== inode) {
          // Drain what the old file still had, then switch to the new one.
          yield* drain(fd, buffer, () => offset, (n) => (offset = n));
          closeSync(fd);
          fd = undefined;
          yield { type: 'reset', reason: 'rotated' };
        }
        if (fd === undefined) {
          fd = openSync(path, 'r');
          inode = fstatSync(fd).ino;
          offset = first && options.fromEnd === true ? fstatSync(fd).size : 0;
        } else if (fstatSync(fd).size < offset) {
          offset = 0;
          yield { type: 'reset', reason: 'truncated' };
        }
        first = false;
        yield* drain(fd, buffer, () => offset, (n) => (offset = n));
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
    if (fd !== undefined) closeSync(fd);
  }
}

function* drain(fd: number, buffer: Buffer, getOffset: () => number, setOffset: (n: number) => void): Generator<FollowEvent> {
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, getOffset());
    if (read <= 0) return;
    setOffset(getOffset() + read);
    yield { type: 'data', chunk: Buffer.from(buffer.subarray(0, read)) };
  }
}
