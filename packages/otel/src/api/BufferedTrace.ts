import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
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
import { htmlPathBeside, loadTraceHtmlRenderer, type TraceHtmlRenderer } from './BufferedTraceHtml.js';
import { runInSpan, type SpanOptions } from './runInSpan.js';

/** Options for `BufferedTrace`. */
export interface BufferedTraceOptions {
  /** Where each run's JSONL goes; `{pid}`, `{date}`, `{time}`, `{hostname}` are expanded per run. */
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
  path: string;
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
    const shared = { writer, config: false as const, ...(this.options.compatMode !== undefined ? { compatMode: this.options.compatMode } : {}), ...(this.options.scrub !== undefined ? { scrub: this.options.scrub } : {}) };
    const path = resolve(resolvePathTemplate(this.options.output));
    const html = this.options.html;
    const htmlPath = html === undefined ? undefined : html === true ? htmlPathBeside(path) : resolve(resolvePathTemplate(html));
    const run: Run = { sink, processor: new TraceRecordSpanProcessor(shared), exporter: new TraceRecordLogExporter(shared), path, htmlPath };
    // Loaded while the run works, so that the HTML can also be written synchronously if the process exits mid-run.
    const renderer = htmlPath === undefined ? undefined : this.loadHtmlRenderer();
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
      if (renderer !== undefined) this.writeHtml(run, await renderer);
      if (traceId !== undefined) this.runs.delete(traceId);
    }
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
      mkdirSync(dirname(run.path), { recursive: true });
      writeFileSync(run.path, this.jsonl(run));
      this.lastOutput = run.path;
    } catch (error) {
      reportError(error, `writing the buffered trace to ${run.path}`);
    }
  }

  private writeHtml(run: Run, render: TraceHtmlRenderer | undefined): void {
    if (run.htmlPath === undefined || render === undefined) return;
    try {
      const html = render(this.jsonl(run), { title: basename(run.path) });
      mkdirSync(dirname(run.htmlPath), { recursive: true });
      writeFileSync(run.htmlPath, html);
      this.lastHtmlOutput = run.htmlPath;
    } catch (error) {
      reportError(error, `writing the buffered trace as HTML to ${run.htmlPath}`);
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
      if (run.htmlPath === undefined) continue;
      if (this.loadedHtmlRenderer) this.writeHtml(run, this.loadedHtmlRenderer);
      else if (this.loadedHtmlRenderer === undefined) reportError(new Error('@aitrace/viewer/html had not finished loading'), `writing the buffered trace as HTML to ${run.htmlPath}`);
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
