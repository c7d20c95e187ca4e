import { FileFollower, type FileFollowerOptions, type FollowEvent } from './FileFollower.js';
import { systemClock } from './FollowClock.js';

/** Options for `followFile`. */
export interface FollowOptions extends FileFollowerOptions {
  /** How often to look for new data, ms (default 100). */
  intervalMs?: number;
  /** Stops following. */
  signal?: AbortSignal;
}

/** What one look at a followed file found. */
export interface FollowLook {
  /** Its events, in order (none when nothing changed). */
  events: FollowEvent[];
  /** Whether the file was read to its current end (false: a backlog larger than one look's budget, read on at once). */
  caughtUp: boolean;
}

/**
 * Follows a growing file like `tail -F` (see `FileFollower`): yields each look at the file, waiting `intervalMs`
 * on `clock` between looks, until `signal` aborts. The files are closed however it stops.
 */
export async function* followFile(path: string, options: FollowOptions = {}): AsyncGenerator<FollowLook> {
  const { intervalMs = 100, signal, clock = systemClock } = options;
  const follower = new FileFollower(path, options);
  // A function, so the check is made again after each await.
  const aborted = (): boolean => signal?.aborted === true;
  try {
    while (!aborted()) {
      const events = await follower.poll();
      const caughtUp = !follower.behind;
      yield { events, caughtUp };
      if (caughtUp && !aborted()) await clock.sleep(intervalMs, signal);
    }
  } finally {
    await follower.close();
  }
}
