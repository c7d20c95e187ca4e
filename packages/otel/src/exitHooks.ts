/** Something that must write out what it holds before the process goes away. */
export interface ExitFlushable {
  /** Writes everything accepted so far before returning. */
  flushSync(): void;
  /** Starts writing everything accepted so far. */
  flush(): Promise<void>;
  /** Whether anything is waiting that a flush could write now (false while writes keep failing). */
  hasPending(): boolean;
}

const live = new Set<ExitFlushable>();
const crashListeners: ((error: unknown, origin: string) => void)[] = [];
let installed = false;

function flushAllSync(): void {
  for (const writer of live) writer.flushSync();
}

const SIGNAL_FLUSH_TIMEOUT_MS = 2000;

function onSignal(signal: NodeJS.Signals): void {
  const appHandlesIt = process.listenerCount(signal) > 1;
  // A signal handler may wait: let writes already in flight finish instead of racing them with a second copy.
  const flushed = Promise.all([...live].map((writer) => writer.flush()));
  const timeout = new Promise((resolve) => setTimeout(resolve, SIGNAL_FLUSH_TIMEOUT_MS).unref());
  void Promise.race([flushed, timeout]).finally(() => {
    flushAllSync();
    // Keep Node's default behaviour (exit with 128 + signal) unless the app handles the signal itself.
    if (!appHandlesIt) {
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    }
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', flushAllSync);
  process.on('beforeExit', () => {
    for (const writer of live) if (writer.hasPending()) void writer.flush();
  });
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    for (const listener of crashListeners) {
      try {
        listener(error, origin);
      } catch {
        // The crash itself is what matters; the flush below must still run.
      }
    }
    flushAllSync();
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Flushes `writer` on process.exit, beforeExit, SIGINT/SIGTERM and uncaught exceptions until `untrackExit`. */
export function trackExit(writer: ExitFlushable): void {
  install();
  live.add(writer);
}

/** Stops flushing `writer` at exit (after it was closed). */
export function untrackExit(writer: ExitFlushable): void {
  live.delete(writer);
}

/** Calls `listener` when the process dies of an uncaught exception or unhandled rejection, before the exit flush. */
export function onCrash(listener: (error: unknown, origin: string) => void): void {
  install();
  crashListeners.push(listener);
}
