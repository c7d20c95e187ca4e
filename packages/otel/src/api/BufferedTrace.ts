import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Context, Span as ApiSpan } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { trackExit, untrackExit, type ExitFlushable } from '../exitHooks.js';
import { RecordWriter } from '../RecordWriter.js';
import { reportError } from '../reportError.js';
import type { ScrubOptions } from '../Scrubber.js';
import { MemorySink } from '../sinks/MemorySink.js';
import { resolvePathTemplate } from '../sinks/pathTemplate.js';
import { TraceRecordLogExporter } from '../TraceRecordLogExporter.js';
import { TraceRecordSpanProcessor } from '../TraceRecordSpanProcessor.js';
import { runInSpan, type SpanOptions } from './runInSpan.js';

/** Options for `BufferedTrace`. */
export interface BufferedTraceOptions {
  /** Where each run's JSONL goes; `{pid}`, `{date}`, `{time}`, `{hostname}` are expanded per run. */
  output: string;
  /** Also write `timestamp` at the top level. */
  compatMode?: boolean;
  /** Scrubbing of attributes and log data (default on). */
  scrub?: ScrubOptions | false;
}

interface Run {
  sink: MemorySink;
  processor: TraceRecordSpanProcessor;
  exporter: TraceRecordLogExporter;
  path: string;
}

/**
 * Collects the records of one run in memory and writes them to a JSONL file when the run completes or fails
 * (and, with whatever was collected, if the process exits mid-run). Register it as a span processor and a log
 * record processor, then `await buffered.run('agent.run', async () => ...)`.
 */
export class BufferedTrace implements SpanProcessor, LogRecordProcessor, ExitFlushable {
  private readonly runs = new Map<string, Run>();
  private starting: Run | undefined;
  private closed = false;
  /** The file the last finished run was written to. */
  lastOutput: string | undefined;

  constructor(private readonly options: BufferedTraceOptions) {
    trackExit(this);
  }

  /** Runs `fn` in a new trace whose records are written to the output file when it settles; rethrows failures. */
  async run<R>(name: string, fn: (span: ApiSpan) => R, options: SpanOptions = {}): Promise<Awaited<R>> {
    const sink = new MemorySink();
    const writer = new RecordWriter(sink, { sync: true, flushOnExit: false });
    const shared = { writer, config: false as const, ...(this.options.compatMode !== undefined ? { compatMode: this.options.compatMode } : {}), ...(this.options.scrub !== undefined ? { scrub: this.options.scrub } : {}) };
    const run: Run = { sink, processor: new TraceRecordSpanProcessor(shared), exporter: new TraceRecordLogExporter(shared), path: resolve(resolvePathTemplate(this.options.output)) };
    let traceId: string | undefined;
    this.starting = run;
    try {
      return await runInSpan(
        name,
        (span) => {
          traceId = span.spanContext().traceId;
          return fn(span);
        },
        { ...options, root: true },
      );
    } finally {
      this.starting = undefined;
      this.write(run);
      if (traceId !== undefined) this.runs.delete(traceId);
    }
  }

  private write(run: Run): void {
    try {
      mkdirSync(dirname(run.path), { recursive: true });
      const lines = run.sink.lines();
      writeFileSync(run.path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
      this.lastOutput = run.path;
    } catch (error) {
      reportError(error, `writing the buffered trace to ${run.path}`);
    }
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.closed) return;
    const traceId = span.spanContext().traceId;
    // The run's root span is the one being started while `run` sets it up.
    if (this.starting !== undefined && !this.runs.has(traceId)) {
      this.runs.set(traceId, this.starting);
      this.starting = undefined;
    }
    this.runs.get(traceId)?.processor.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.runs.get(span.spanContext().traceId)?.processor.onEnd(span);
  }

  onEmit(logRecord: ReadWriteLogRecord): void {
    const traceId = logRecord.spanContext?.traceId;
    const run = traceId !== undefined ? this.runs.get(traceId) : undefined;
    run?.exporter.export([logRecord], () => undefined);
  }

  /** Whether a run is in progress. */
  hasPending(): boolean {
    return this.runs.size > 0;
  }

  /** Writes what the runs in progress collected so far (at exit: their open spans show as cut off). */
  flushSync(): void {
    for (const run of new Set(this.runs.values())) this.write(run);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    untrackExit(this);
    return Promise.resolve();
  }
}
