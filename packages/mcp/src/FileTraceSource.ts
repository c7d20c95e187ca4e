import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ForestBuilder, type SpanForest, type TraceTree } from '@aitrace/forest';
import { followFile } from '@aitrace/forest/node';
import { findTrace, inScope } from './findTrace.js';
import type { TraceScope, TraceSelection, TraceSource } from './TraceSource.js';

/** Options for `FileTraceSource`. */
export interface FileTraceSourceOptions {
  /** How often files are read for new lines and directories looked at for new files, ms (default 200). */
  intervalMs?: number | undefined;
  /** With no new line in any file for this long, the writers are taken as gone: open spans are cut off, not running (ms, default 30,000). */
  idleMs?: number | undefined;
}

/** Problems kept for answers; older ones are dropped. */
const MAX_PROBLEMS = 100;
const TRACE_FILE = /\.(jsonl|json|ndjson)$/;

/** Trace files and directories (aitrace records or OTLP JSON lines) followed as they grow, rotate and appear. */
export class FileTraceSource implements TraceSource {
  private readonly builder = new ForestBuilder();
  private readonly controller = new AbortController();
  private readonly followed = new Set<string>();
  private readonly errors: string[] = [];
  private lastDataMs = 0;
  private readonly intervalMs: number;
  private readonly idleMs: number;
  private readonly scanner: NodeJS.Timeout;
  /** Resolves when every file present at the start has been read to its end once. */
  readonly ready: Promise<void>;

  constructor(
    private readonly paths: readonly string[],
    options: FileTraceSourceOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.idleMs = options.idleMs ?? 30_000;
    const first: Promise<void>[] = [];
    this.scan(first);
    this.ready = Promise.all(first).then(() => undefined);
    this.scanner = setInterval(() => this.scan([]), Math.max(this.intervalMs, 1000));
    this.scanner.unref();
  }

  async traces(scope: TraceScope): Promise<TraceSelection> {
    return { traces: (await this.forest()).traces.filter((trace) => inScope(trace, scope)) };
  }

  async trace(id: string): Promise<TraceTree> {
    return findTrace((await this.forest()).traces, id);
  }

  problems(): readonly string[] {
    return this.errors;
  }

  nowUs(): number {
    return Date.now() * 1000;
  }

  /** Stops following every file. */
  close(): void {
    clearInterval(this.scanner);
    this.controller.abort();
  }

  private async forest(): Promise<SpanForest> {
    await this.ready;
    this.builder.setEnded(Date.now() - this.lastDataMs > this.idleMs);
    return this.builder.forest();
  }

  private problem(message: string): void {
    this.errors.push(message);
    if (this.errors.length > MAX_PROBLEMS) this.errors.shift();
  }

  // Files named on the command line are followed even before they exist; directories are looked at for new trace files.
  private scan(first: Promise<void>[]): void {
    for (const path of this.paths) {
      let files = [path];
      try {
        if (statSync(path).isDirectory())
          files = readdirSync(path)
            .filter((name) => TRACE_FILE.test(name))
            .sort()
            .map((name) => join(path, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          if (!this.followed.has(path)) this.problem(`${path}: ${(error as Error).message}`);
          this.followed.add(path);
          continue;
        }
      }
      for (const file of files) {
        if (this.followed.has(file)) continue;
        this.followed.add(file);
        first.push(this.follow(file));
      }
    }
  }

  /** Follows one file; resolves once it has been read to its current end. */
  private follow(file: string): Promise<void> {
    try {
      this.lastDataMs = Math.max(this.lastDataMs, statSync(file).mtimeMs);
    } catch {
      // Not there yet: it is waited for.
    }
    return new Promise((resolve) => {
      void (async () => {
        let caughtUpOnce = false;
        try {
          for await (const { events, caughtUp } of followFile(file, { intervalMs: this.intervalMs, signal: this.controller.signal })) {
            for (const event of events) {
              if (event.type === 'skipped') this.problem(`${file}: ${event.message}`);
              if (event.type !== 'lines') continue;
              for (const problem of event.problems) this.problem(`${event.path}:${problem.line}: ${problem.message}`);
              if (event.records.length > 0) this.builder.add(event.records);
              if (caughtUpOnce) this.lastDataMs = Date.now();
            }
            if (caughtUp && !caughtUpOnce) {
              caughtUpOnce = true;
              resolve();
            }
          }
        } catch (error) {
          this.problem(`${file}: ${(error as Error).message}`);
        }
        resolve();
      })();
    });
  }
}
