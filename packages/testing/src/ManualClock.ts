interface Sleeper {
  until: number;
  resolve: () => void;
}

/**
 * A clock moved by hand, for code that waits on an injected `sleep(ms, signal)` (such as the file follower):
 * `sleeping()` resolves once the code under test is waiting, `advance(ms)` wakes each wait that falls due, in
 * time order, each time until the woken code waits again. Tests then drive time instead of sleeping.
 */
export class ManualClock {
  private nowMs = 0;
  private sleepers: Sleeper[] = [];
  private waiters: (() => void)[] = [];

  /** Milliseconds moved so far. */
  now(): number {
    return this.nowMs;
  }

  /** Waits until the clock is advanced past `ms` from now, or `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const sleeper: Sleeper = { until: this.nowMs + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((other) => other !== sleeper);
          resolve();
        },
        { once: true },
      );
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  /** Resolves once something is waiting on this clock. */
  sleeping(): Promise<void> {
    if (this.sleepers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves time on by `ms`: each wait due by then is woken in turn, and the woken code is let run until it waits again. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      if (next === undefined || next.until > target) break;
      this.sleepers.shift();
      this.nowMs = next.until;
      next.resolve();
      await this.sleeping();
    }
    this.nowMs = target;
  }
}
