/** How a follower waits between looks at a file; tests pass a clock they move by hand. */
export interface FollowClock {
  /** Milliseconds on a clock that only moves forward (any origin). */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Waits with real timers. */
export const systemClock: FollowClock = {
  now: () => performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      // The listener goes with the wait it belongs to, or a long follow would pile up one per interval.
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
