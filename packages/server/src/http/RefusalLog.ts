/** Options of a RefusalLog. */
export interface RefusalLogOptions {
  /** Where the lines go (the server's problem reporter, stderr by default). */
  report: (message: string) => void;
  /** A sender and reason are logged again at most this often, ms (default one minute). */
  intervalMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

interface Seen {
  loggedAt: number;
  suppressed: number;
}

// Beyond this many distinct senders and reasons the table starts afresh, so a scan cannot grow it without end.
const MAX_KEYS = 1000;

/**
 * Logs refused requests (bad data, missing token, too large, wrong media type) once per sender and reason, so an
 * SDK that is misconfigured shows up on the server's stderr (SDKs never show the answer's body) without one line
 * per retry. Later refusals of the same kind are counted and the count is told with the next line.
 */
export class RefusalLog {
  private readonly seen = new Map<string, Seen>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RefusalLogOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Notes one refusal: `sender` is the client's address, `what` the request (e.g. `POST /v1/traces`). */
  note(sender: string, status: number | string, what: string, reason: string): void {
    // Numbers (offsets, sizes, counts) vary from one request to the next; the reason is the same.
    const key = `${sender}\u0000${status}\u0000${what}\u0000${reason.replace(/\d+/g, '#').slice(0, 200)}`;
    const at = this.now();
    const seen = this.seen.get(key);
    if (seen !== undefined && at - seen.loggedAt < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    if (seen === undefined && this.seen.size >= MAX_KEYS) this.seen.clear();
    const more = seen !== undefined && seen.suppressed > 0 ? ` (${seen.suppressed} more like it since the last line)` : '';
    this.seen.set(key, { loggedAt: at, suppressed: 0 });
    this.options.report(
      `refused ${what} from ${sender}: ${status} ${reason}${more}; the same refusal from this sender is logged again after ${Math.round(this.intervalMs / 1000)} s`,
    );
  }
}
