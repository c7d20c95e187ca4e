import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { normalizeRecord } from '@aitrace/format';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BufferedTrace } from './BufferedTrace.js';
import { htmlPathBeside, loadTraceHtmlRenderer } from './BufferedTraceHtml.js';
import { getLogger } from './getLogger.js';
import { span } from './span.js';

const dir = mkdtempSync(join(tmpdir(), 'aitrace-buffered-html-'));
const buffered = new BufferedTrace({ output: join(dir, 'run-{pid}.jsonl'), html: true });
const named = new BufferedTrace({ output: join(dir, 'named.jsonl'), html: join(dir, 'pages', 'run-{pid}.html') });
const tracerProvider = new BasicTracerProvider({ spanProcessors: [buffered, named] });
const loggerProvider = new LoggerProvider({ processors: [buffered, named] });
const errors: Error[] = [];

/** The span and log events embedded in an HTML trace. */
function embeddedEvents(path: string): string[] {
  const html = readFileSync(path, 'utf8');
  const data = /<script type="application\/json" id="aitrace-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (data === undefined) throw new Error(`${path} embeds no trace`);
  return (JSON.parse(data) as { records: unknown[] }).records.map((value) => {
    const result = normalizeRecord(value);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.record.event;
  });
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  setGlobalErrorHandler((error) => errors.push(error as Error));
});
afterEach(() => {
  errors.length = 0;
  vi.doUnmock('@aitrace/viewer/html');
});
afterAll(() => {
  setGlobalErrorHandler(loggingErrorHandler());
  trace.disable();
  context.disable();
  logs.disable();
});

describe('BufferedTrace with the html option', () => {
  it('writes the JSONL and the HTML trace beside it when the run completes', async () => {
    await buffered.run('agent.run', async () => {
      getLogger('agent').info('step', { n: 1 });
      return span('tool.call', () => 'done');
    });
    expect(buffered.lastHtmlOutput).toBe(htmlPathBeside(buffered.lastOutput!));
    expect(buffered.lastHtmlOutput).toBe(join(dir, `run-${process.pid}.html`));
    const html = readFileSync(buffered.lastHtmlOutput!, 'utf8');
    expect(html).toContain(`<title>run-${process.pid}.jsonl · aitrace</title>`);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    // One record per span (its end, the start merged in, where the start was), and the log.
    expect(embeddedEvents(buffered.lastHtmlOutput!)).toEqual(['agent.run.end', 'step', 'tool.call.end']);
    expect(errors).toEqual([]);
  });

  it('writes both when the run fails, to an HTML path template of its own, and rethrows', async () => {
    await expect(
      named.run('agent.fail', async () => {
        span('partial.step', () => undefined);
        throw new Error('model refused');
      }),
    ).rejects.toThrow('model refused');
    expect(named.lastOutput).toBe(join(dir, 'named.jsonl'));
    expect(named.lastHtmlOutput).toBe(join(dir, 'pages', `run-${process.pid}.html`));
    expect(embeddedEvents(named.lastHtmlOutput!)).toEqual(['agent.fail.end', 'partial.step.end', 'exception']);
    expect(errors).toEqual([]);
  });

  it('writes the HTML of a run still in progress when the process exits (flushSync)', async () => {
    const midRun = new BufferedTrace({ output: join(dir, 'mid-run.jsonl'), html: true });
    const provider = new BasicTracerProvider({ spanProcessors: [midRun] });
    let finish!: () => void;
    const running = midRun.run('long.run', () => new Promise<void>((resolve) => (finish = resolve)), { tracer: provider.getTracer('test') });
    const html = join(dir, 'mid-run.html');
    // An exit before the renderer has loaded still writes the JSONL, and says why the HTML is missing.
    midRun.flushSync();
    expect(existsSync(join(dir, 'mid-run.jsonl'))).toBe(true);
    expect(existsSync(html)).toBe(false);
    expect(errors.map((error) => error.message)).toEqual([
      `aitrace: writing the buffered trace as HTML to ${html}: @aitrace/viewer/html had not finished loading`,
    ]);
    errors.length = 0;
    // The renderer loads while the run works; from then on an exit writes the HTML synchronously.
    await loadTraceHtmlRenderer();
    await new Promise((resolve) => setTimeout(resolve, 0));
    midRun.flushSync();
    expect(embeddedEvents(html)).toEqual(['long.run.start']);
    finish();
    await running;
    expect(embeddedEvents(html)).toEqual(['long.run.end']);
    expect(errors).toEqual([]);
    await midRun.shutdown();
    await provider.shutdown();
  });

  it('reports a missing @aitrace/viewer through the error handler, once, and still writes the JSONL', async () => {
    vi.doMock('@aitrace/viewer/html', () => {
      throw new Error("Cannot find package '@aitrace/viewer'");
    });
    const missing = new BufferedTrace({ output: join(dir, 'missing-{time}.jsonl'), html: true });
    const provider = new BasicTracerProvider({ spanProcessors: [missing] });
    const tracer = provider.getTracer('test');
    for (let i = 0; i < 2; i++) {
      await expect(missing.run('no.viewer', () => i, { tracer })).resolves.toBe(i);
      expect(existsSync(missing.lastOutput!)).toBe(true);
      expect(existsSync(htmlPathBeside(missing.lastOutput!))).toBe(false);
    }
    expect(missing.lastHtmlOutput).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^aitrace: writing the buffered trace as HTML: the html option needs the @aitrace\/viewer package, which could not be loaded \(.+\); install it next to @aitrace\/otel$/,
    );
    await missing.shutdown();
    await provider.shutdown();
  });
});

describe('loadTraceHtmlRenderer', () => {
  it('loads renderTraceHtml from @aitrace/viewer/html', async () => {
    const render = await loadTraceHtmlRenderer();
    expect(render('', { title: 'empty' })).toContain('<title>empty · aitrace</title>');
  });

  it('says which package to install when it cannot be loaded', async () => {
    await expect(loadTraceHtmlRenderer('@aitrace/no-such-viewer/html')).rejects.toThrow(
      /^the html option needs the @aitrace\/no-such-viewer package, which could not be loaded \(.+\); install it next to @aitrace\/otel$/,
    );
  });
});

describe('BufferedTrace output paths', () => {
  it('never overwrites a file: runs within one second get numbered names, and {run} and {trace_id} are expanded', async () => {
    const out = mkdtempSync(join(tmpdir(), 'aitrace-buffered-paths-'));
    const sameSecond = new BufferedTrace({ output: join(out, 'agent-{date}-{time}.jsonl'), html: true });
    const perRun = new BufferedTrace({ output: join(out, 'runs', '{run}-{trace_id}.jsonl') });
    const provider = new BasicTracerProvider({ spanProcessors: [sameSecond, perRun] });
    const tracer = provider.getTracer('test');
    const written: string[] = [];
    for (let i = 0; i < 3; i++) {
      await sameSecond.run(`run.${i}`, () => undefined, { tracer });
      written.push(sameSecond.lastOutput!);
      expect(sameSecond.lastHtmlOutput).toBe(htmlPathBeside(sameSecond.lastOutput!));
      let traceId = '';
      await perRun.run(`run.${i}`, (root) => void (traceId = root.spanContext().traceId), { tracer });
      expect(perRun.lastOutput).toBe(join(out, 'runs', `${i + 1}-${traceId}.jsonl`));
    }
    // Each run's records are in a file of their own, whatever the clock said.
    expect(new Set(written).size).toBe(3);
    for (const [i, path] of written.entries()) expect(readFileSync(path, 'utf8')).toContain(`"run.${i}.end"`);
    expect(errors).toEqual([]);
    await provider.shutdown();
  });

  it('a second writer of a fixed path gets name-2 instead of replacing the first run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'aitrace-buffered-paths-'));
    const first = new BufferedTrace({ output: join(out, 'trace.jsonl') });
    const second = new BufferedTrace({ output: join(out, 'trace.jsonl') });
    const provider = new BasicTracerProvider({ spanProcessors: [first, second] });
    await first.run('first', () => undefined, { tracer: provider.getTracer('test') });
    await second.run('second', () => undefined, { tracer: provider.getTracer('test') });
    expect(first.lastOutput).toBe(join(out, 'trace.jsonl'));
    expect(second.lastOutput).toBe(join(out, 'trace-2.jsonl'));
    expect(readFileSync(join(out, 'trace.jsonl'), 'utf8')).toContain('"first.end"');
    await provider.shutdown();
  });

  it('{trace_id} and {run} in a plain file output are an error that says where they work', async () => {
    const { resolvePathTemplate } = await import('../sinks/pathTemplate.js');
    expect(() => resolvePathTemplate('traces/{trace_id}.jsonl')).toThrow(
      'trace file path "traces/{trace_id}.jsonl": {trace_id} names one run and works only in BufferedTrace\'s output',
    );
    expect(() => resolvePathTemplate('traces/{nope}.jsonl')).toThrow('unknown placeholder {nope}; use {pid}, {date}, {time} or {hostname}');
  });
});
