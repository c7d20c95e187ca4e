import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
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
import { claimFreshPath } from './claimFreshPath.js';
import { htmlPathBeside, loadTraceHtmlRenderer, type TraceHtmlRenderer } from './BufferedTraceHtml.js';
import { runInSpan, type SpanOptions } from './runInSpan.js';

/** Options for `BufferedTrace`. */
export interface BufferedTraceOptions {
  /**
   * Where each run's JSONL goes; `{pid}`, `{date}`, `{time}` (UTC), `{hostname}`, `{trace_id}` and `{run}` (the run's
   * number in this process) are expanded per run. An existing file is never overwritten: the run gets `name-2.jsonl`...
   */
  output: string;
  /**
   * Also write each run as a self-contained HTML trace (the web viewer with the records inside): a path template
   * like `output`, or `true` for the output path with `.html` instead of `.jsonl`. Needs the optional peer
   * dependency `@aitrace/viewer`; if it is missing, that is reported through OpenTelemetry's error handler.
   */
  html?: string | true;
  /** Also write `timestamp` at the top level. */
  compatMode?: boolean;
  /** Scrubbing of attributes and log data (default on). */
  scrub?: ScrubOptions | false;
}

interface Run {
  sink: MemorySink;
  processor: TraceRecordSpanProcessor;
  exporter: TraceRecordLogExporter;
  startedAt: Date;
  number: number;
  traceId: string | undefined;
  /** The files this run claimed, on its first write (the trace id is known only once the root span started). */
  path: string | undefined;
  htmlPath: string | undefined;
}

/**
 * Collects the records of one run in memory and writes them to a JSONL file when the run completes or fails
 * (and, with whatever was collected, if the process exits mid-run). Register it as a span processor and a log
 * record processor, then `await buffered.run('agent.run', async () => ...)`.
 */
export class BufferedTrace implements SpanProcessor, LogRecordProcessor, ExitFlushable {
  private readonly runs = new Map<string, Run>();
  private starting: Run | undefined;
  private runCount = 0;
  private closed = false;
  private htmlRenderer: Promise<TraceHtmlRenderer | undefined> | undefined;
  /** The HTML renderer once loaded; null when loading failed (and was reported). */
  private loadedHtmlRenderer: TraceHtmlRenderer | null | undefined;
  /** The file the last finished run was written to. */
  lastOutput: string | undefined;
  /** The HTML trace the last finished run was written to (with the `html` option). */
  lastHtmlOutput: string | undefined;

  constructor(private readonly options: BufferedTraceOptions) {
    trackExit(this);
  }

  /** Runs `fn` in a new trace whose records are written to the output file when it settles; rethrows failures. */
  async run<R>(name: string, fn: (span: ApiSpan) => R, options: SpanOptions = {}): Promise<Awaited<R>> {
    const sink = new MemorySink();
    const writer = new RecordWriter(sink, { sync: true, flushOnExit: false });
    const shared = {
      writer,
      config: false as const,
      ...(this.options.compatMode !== undefined ? { compatMode: this.options.compatMode } : {}),
      ...(this.options.scrub !== undefined ? { scrub: this.options.scrub } : {}),
    };
    const run: Run = {
      sink,
      processor: new TraceRecordSpanProcessor(shared),
      exporter: new TraceRecordLogExporter(shared),
      startedAt: new Date(),
      number: ++this.runCount,
      traceId: undefined,
      path: undefined,
      htmlPath: undefined,
    };
    // Loaded while the run works, so that the HTML can also be written synchronously if the process exits mid-run.
    const renderer = this.options.html === undefined ? undefined : this.loadHtmlRenderer();
    this.starting = run;
    try {
      return await runInSpan(
        name,
        (span) => {
          run.traceId = span.spanContext().traceId;
          return fn(span);
        },
        { ...options, root: true },
      );
    } finally {
      this.starting = undefined;
      this.write(run);
      if (renderer !== undefined) this.writeHtml(run, await renderer);
      if (run.traceId !== undefined) this.runs.delete(run.traceId);
    }
  }

  /** Expands a path template for one run, then claims a file no earlier run or process has written. */
  private claim(template: string, run: Run): string {
    const placeholders = { run: String(run.number), trace_id: run.traceId ?? '0'.repeat(32) };
    return claimFreshPath(resolve(resolvePathTemplate(template, run.startedAt, placeholders)));
  }

  private loadHtmlRenderer(): Promise<TraceHtmlRenderer | undefined> {
    this.htmlRenderer ??= loadTraceHtmlRenderer().then(
      (render) => (this.loadedHtmlRenderer = render),
      (error: unknown) => {
        // Reported once: every later run would fail the same way.
        this.loadedHtmlRenderer = null;
        reportError(error, 'writing the buffered trace as HTML');
        return undefined;
      },
    );
    return this.htmlRenderer;
  }

  private jsonl(run: Run): string {
    const lines = run.sink.lines();
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  private write(run: Run): void {
    try {
      run.path ??= this.claim(this.options.output, run);
      writeFileSync(run.path, this.jsonl(run));
      this.lastOutput = run.path;
    } catch (error) {
      reportError(error, `writing the buffered trace to ${run.path ?? this.options.output}`);
    }
  }

  /** The HTML file a run writes (or would write), for messages. */
  private htmlTarget(run: Run): string {
    const html = this.options.html;
    if (run.htmlPath !== undefined) return run.htmlPath;
    if (html !== true) return html ?? '';
    return run.path !== undefined ? htmlPathBeside(run.path) : htmlPathBeside(this.options.output);
  }

  private writeHtml(run: Run, render: TraceHtmlRenderer | undefined): void {
    const html = this.options.html;
    if (html === undefined || render === undefined || run.path === undefined) return;
    try {
      run.htmlPath ??= html === true ? claimFreshPath(htmlPathBeside(run.path)) : this.claim(html, run);
      writeFileSync(run.htmlPath, render(this.jsonl(run), { title: basename(run.path) }));
      this.lastHtmlOutput = run.htmlPath;
    } catch (error) {
      reportError(error, `writing the buffered trace as HTML to ${this.htmlTarget(run)}`);
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
    for (const run of new Set(this.runs.values())) {
      this.write(run);
      if (this.options.html === undefined) continue;
      if (this.loadedHtmlRenderer) this.writeHtml(run, this.loadedHtmlRenderer);
      else if (this.loadedHtmlRenderer === undefined)
        reportError(new Error('@aitrace/viewer/html had not finished loading'), `writing the buffered trace as HTML to ${this.htmlTarget(run)}`);
    }
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
