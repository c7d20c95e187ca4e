import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { setGlobalErrorHandler, loggingErrorHandler } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace, FileSink, type Aitrace, type Sink } from '@aitrace/otel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { figure, readTraceFile, scale, tempDir } from './support.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the tracer reports through diag and the global error handler during a test. */
let reported: string[] = [];
const capture: DiagLogger = {
  error: (message) => reported.push(`error: ${message}`),
  warn: (message) => reported.push(`warn: ${message}`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

beforeEach(() => {
  reported = [];
  diag.setLogger(capture, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  setGlobalErrorHandler((error) => reported.push(`handler: ${error instanceof Error ? error.message : String(error)}`));
});

afterEach(() => {
  diag.disable();
  setGlobalErrorHandler(loggingErrorHandler());
});

function tracerFor(aitrace: Aitrace) {
  return new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }).getTracer('faults');
}

/** Mounts a tmpfs of `size` at a new directory; undefined when mounting is not permitted. */
function mountTmpfs(size: string): string | undefined {
  const dir = tempDir('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return undefined;
  }
}

/** A file sink that fails with ENOSPC while `full` is set, as a full disk does, for machines without mount rights. */
class FullDiskSink implements Sink {
  full = true;
  constructor(private readonly inner: FileSink) {}
  private check(): void {
    if (this.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }
  write(chunk: Buffer): Promise<void> {
    try {
      this.check();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.inner.write(chunk);
  }
  writeSync(chunk: Buffer): void {
    this.check();
    this.inner.writeSync(chunk);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  closeSync(): void {
    this.inner.closeSync();
  }
}

describe('a full disk', () => {
  it('keeps the app running, bounds the queue, counts and reports drops, and resumes when space comes back', { timeout: 30_000 }, async () => {
    const mounted = mountTmpfs('1m');
    const dir = mounted ?? tempDir('enospc');
    const file = join(dir, 'trace.jsonl');
    const injected = mounted === undefined ? new FullDiskSink(new FileSink(file)) : undefined;
    const maxQueueSize = 2000;
    const aitrace = createAitrace({ output: injected ?? file, maxQueueSize, flushIntervalMs: 20, config: false });
    const tracer = tracerFor(aitrace);
    try {
      // About 3 MB of records into 1 MB of disk: the disk fills, the queue fills, the rest is dropped.
      let maxQueued = 0;
      const spans = scale(3000, 30_000);
      for (let i = 0; i < spans; i++) {
        tracer.startSpan('fill', { attributes: { i, pad: 'f'.repeat(500) } }).end();
        if (i % 100 === 99) {
          maxQueued = Math.max(maxQueued, aitrace.writer.getStats().queued);
          await sleep(1);
        }
      }
      await sleep(100);
      const full = aitrace.writer.getStats();
      expect(maxQueued).toBeLessThanOrEqual(maxQueueSize);
      expect(full.queued).toBeLessThanOrEqual(maxQueueSize);
      expect(full.dropped).toBeGreaterThan(0);
      expect(full.failedWrites).toBeGreaterThan(0);
      expect(reported.some((m) => m.startsWith('handler:') && m.includes('ENOSPC'))).toBe(true);
      expect(reported.some((m) => m.startsWith('warn:') && /dropped \d+ record/.test(m))).toBe(true);
      // A persistent fault is reported once, not once per retry.
      expect(reported.filter((m) => m.includes('ENOSPC')).length).toBeLessThan(5);

      // Space comes back: the retried queue and new records are written.
      if (mounted !== undefined) execFileSync('mount', ['-o', 'remount,size=16m', mounted]);
      else injected!.full = false;
      // The writer's own retry (every flushIntervalMs) drains the backlog; no flush call is needed.
      for (let waited = 0; aitrace.writer.getStats().queued > 0 && waited < 5000; waited += 20) await sleep(20);
      expect(aitrace.writer.getStats().queued).toBe(0);
      tracer.startSpan('after.fault', { attributes: { marker: true } }).end();
      await aitrace.forceFlush();
      const after = aitrace.writer.getStats();
      const read = readTraceFile(file);
      expect(read.records.some((r) => r.record.event === 'after.fault.end')).toBe(true);
      figure(
        `full disk (${mounted !== undefined ? 'tmpfs 1 MiB' : 'injected ENOSPC'}): ${spans * 2} records offered, max queued ${maxQueued}, dropped ${after.dropped}, written ${after.written}, failed writes ${after.failedWrites}, lines in file ${read.lines}, bad lines ${read.problems.length}`,
      );
      // The write the disk cut off is taken back, so no line is partial or glued to the retried batch.
      expect(read.problems).toEqual([]);
      expect(read.endsMidLine).toBe(false);
    } finally {
      await aitrace.shutdown();
      if (mounted !== undefined) execFileSync('umount', ['-l', mounted]);
    }
  });
});

describe('a stream that stalls', () => {
  it('keeps the app running with a bounded queue, counts and reports drops, and resumes when it drains', { timeout: 30_000 }, async () => {
    const received: string[] = [];
    let release: (() => void) | undefined;
    let stalled = true;
    const stream = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        if (stalled) release = () => callback();
        else callback();
      },
    });
    const maxQueueSize = 500;
    const aitrace = createAitrace({ output: stream, maxQueueSize, config: false });
    const tracer = tracerFor(aitrace);
    const spans = scale(5000, 50_000);
    const began = Date.now();
    let maxQueued = 0;
    for (let i = 0; i < spans; i++) {
      tracer.startSpan('stalled', { attributes: { i } }).end();
      if (i % 100 === 99) {
        maxQueued = Math.max(maxQueued, aitrace.writer.getStats().queued);
        await sleep(0);
      }
    }
    const appTimeMs = Date.now() - began;
    const stalledStats = aitrace.writer.getStats();
    expect(release).toBeDefined();
    expect(maxQueued).toBeLessThanOrEqual(maxQueueSize);
    expect(stalledStats.dropped).toBeGreaterThan(spans * 2 - maxQueueSize * 3);
    expect(reported.some((m) => m.startsWith('warn:') && /dropped \d+ record/.test(m))).toBe(true);

    // The stream drains: what was queued, and everything after, arrives whole.
    stalled = false;
    release!();
    await aitrace.forceFlush();
    tracer.startSpan('after.stall').end();
    await aitrace.forceFlush();
    const text = received.join('');
    const lines = text.split('\n').filter((line) => line !== '');
    for (const line of lines) JSON.parse(line);
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.some((line) => line.includes('"after.stall.end"'))).toBe(true);
    const after = aitrace.writer.getStats();
    expect(after.written + after.dropped).toBe(spans * 2 + 2);
    figure(
      `stalled stream: ${spans * 2} records offered in ${appTimeMs} ms while stalled, max queued ${maxQueued}, dropped ${after.dropped}, written ${after.written}`,
    );
    await aitrace.shutdown();
  });
});

describe('a trace file removed under the writer', () => {
  it('after deletion (async mode): the next write notices and goes to a new file at the path, nothing is lost', { timeout: 10_000 }, async () => {
    const file = join(tempDir('deleted'), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, config: false });
    const tracer = tracerFor(aitrace);
    tracer.startSpan('before').end();
    await aitrace.forceFlush();
    unlinkSync(file);
    tracer.startSpan('in.window').end();
    await aitrace.shutdown();
    // Each asynchronous write starts with an fstat of the file, which shows a deleted file (no links left).
    expect(readTraceFile(file).records.map((r) => r.record.event)).toEqual(['in.window.start', 'in.window.end']);
    expect(reported).toEqual([]);
  });

  it('after deletion (sync mode): records in the first second go to the deleted file; later ones to a new file at the path', { timeout: 10_000 }, async () => {
    const file = join(tempDir('deleted'), 'trace.jsonl');
    // The file sink's clock stands in for the second that passes.
    let now = 1_000_000;
    const aitrace = createAitrace({ output: new FileSink(file, { now: () => now }), sync: true, config: false });
    const tracer = tracerFor(aitrace);
    tracer.startSpan('before').end();
    unlinkSync(file);
    tracer.startSpan('in.window').end();
    now += 999;
    tracer.startSpan('still.in.window').end();
    now += 1;
    tracer.startSpan('after.window').end();
    await aitrace.shutdown();
    const events = readTraceFile(file).records.map((r) => r.record.event);
    expect(events).toEqual(['after.window.start', 'after.window.end']);
    // Measured gap: a synchronous write checks the path only once a second (an fstat per line would cost every
    // span), so 'in.window' went to the unlinked inode and is gone with it (README: "notices within a second").
    expect(events).not.toContain('in.window.end');
    expect(events).not.toContain('still.in.window.end');
    expect(reported).toEqual([]);
  });

  it('after a rename (logrotate): records go on to the moved file until the check, then to a new file', { timeout: 10_000 }, async () => {
    const dir = tempDir('rotated');
    const file = join(dir, 'trace.jsonl');
    let now = 1_000_000;
    const aitrace = createAitrace({ output: new FileSink(file, { now: () => now }), config: false });
    const tracer = tracerFor(aitrace);
    tracer.startSpan('before').end();
    await aitrace.forceFlush();
    renameSync(file, join(dir, 'trace.1.jsonl'));
    tracer.startSpan('in.window').end();
    await aitrace.forceFlush();
    now += 1000;
    tracer.startSpan('after.window').end();
    await aitrace.shutdown();
    expect(readTraceFile(join(dir, 'trace.1.jsonl')).records.map((r) => r.record.event)).toEqual([
      'before.start',
      'before.end',
      'in.window.start',
      'in.window.end',
    ]);
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { __tracer_meta__: { event: string } }).__tracer_meta__.event),
    ).toEqual(['after.window.start', 'after.window.end']);
  });
});
