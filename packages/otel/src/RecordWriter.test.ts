import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { setGlobalErrorHandler, loggingErrorHandler } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordWriter } from './RecordWriter.js';
import { MemorySink } from './sinks/MemorySink.js';
import { PartialWriteError } from './sinks/PartialWriteError.js';
import type { Sink } from './sinks/Sink.js';

/** A sink whose writes can be held (a stalled disk) or made to fail (a full disk). */
class FaultySink extends MemorySink {
  failWith: Error | undefined;
  private held: (() => void)[] = [];
  stalled = false;
  /** Writes that failed so far. */
  failures = 0;

  override write(chunk: Buffer): Promise<void> {
    if (this.failWith) {
      this.failures++;
      return Promise.reject(this.failWith);
    }
    if (this.stalled) return new Promise((resolve) => this.held.push(() => resolve(super.write(chunk))));
    return super.write(chunk);
  }

  /** Writes waiting for `release`. */
  get waiting(): number {
    return this.held.length;
  }

  release(): void {
    this.stalled = false;
    for (const resume of this.held.splice(0)) resume();
  }
}

// Polls until the assertion holds (a deadline far below any interval a test sets, so waiting out one fails).
const eventually = (assertion: () => void): Promise<void> => vi.waitFor(assertion, { timeout: 5000, interval: 2 });

describe('RecordWriter', () => {
  const errors: Error[] = [];
  afterEach(() => {
    errors.length = 0;
    setGlobalErrorHandler(loggingErrorHandler());
  });
  const captureErrors = (): void => setGlobalErrorHandler((error) => errors.push(error as Error));

  it('writes queued lines as soon as the event loop is free, in one batch, in order, without a flush call', async () => {
    const sink = new MemorySink();
    const writes = vi.spyOn(sink, 'write');
    // The interval is only the retry delay: a writer that waited for it would miss the 5 s deadline below.
    const writer = new RecordWriter(sink, { flushIntervalMs: 60_000, flushOnExit: false });
    writer.write('{"a":1}');
    writer.write('{"a":2}');
    // Not written inside the call (that is sync mode), so lines written together form one batch.
    expect(sink.lines()).toEqual([]);
    await eventually(() => expect(sink.lines()).toEqual(['{"a":1}', '{"a":2}']));
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('writes before returning in sync mode', () => {
    const sink = new MemorySink();
    const writer = new RecordWriter(sink, { sync: true, flushOnExit: false });
    writer.write('{"a":1}');
    expect(sink.lines()).toEqual(['{"a":1}']);
  });

  it('bounds memory when the sink stalls: extra lines are dropped, counted and reported, the rest arrive when it resumes', async () => {
    const warnings: string[] = [];
    const quiet = (): void => undefined;
    const logger: DiagLogger = { error: quiet, info: quiet, debug: quiet, verbose: quiet, warn: (message) => warnings.push(message) };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const sink = new FaultySink();
    sink.stalled = true;
    const writer = new RecordWriter(sink, { maxQueueSize: 100, flushIntervalMs: 1, flushOnExit: false });
    writer.write('{"first":true}');
    await eventually(() => expect(sink.waiting).toBe(1));
    for (let i = 0; i < 1000; i++) writer.write(`{"i":${i}}`);
    const stats = writer.getStats();
    expect(stats.queued).toBe(100);
    expect(stats.dropped).toBe(900);
    // Reported at once, then summed up per interval instead of once per dropped line.
    expect(warnings).toEqual([expect.stringContaining('dropped 1 record(s)')]);
    sink.release();
    await writer.close();
    diag.disable();
    expect(sink.lines()).toHaveLength(101);
    expect(writer.getStats()).toMatchObject({ written: 101, dropped: 900, queued: 0 });
    expect(warnings).toEqual([
      expect.stringContaining('dropped 1 record(s)'),
      expect.stringContaining('dropped 899 record(s) (queue full or writes failing; 900 in total)'),
    ]);
  });

  it('reports a write error to the global error handler once, keeps the lines, and resumes when the fault clears', async () => {
    captureErrors();
    const sink = new FaultySink();
    sink.failWith = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const writer = new RecordWriter(sink, { flushIntervalMs: 1, flushOnExit: false });
    writer.write('{"a":1}');
    writer.write('{"a":2}');
    // Retried every interval: after three failures the error is still reported only once.
    await eventually(() => expect(sink.failures).toBeGreaterThanOrEqual(3));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('ENOSPC');
    expect(sink.lines()).toEqual([]);
    sink.failWith = undefined;
    await eventually(() => expect(sink.lines()).toEqual(['{"a":1}', '{"a":2}']));
    expect(writer.getStats().dropped).toBe(0);
  });

  it('never throws into the caller in sync mode when the sink fails', () => {
    captureErrors();
    const sink: Sink = Object.assign(new MemorySink(), {
      writeSync: () => {
        throw new Error('EACCES: permission denied');
      },
    });
    const writer = new RecordWriter(sink, { sync: true, flushOnExit: false });
    expect(() => writer.write('{"a":1}')).not.toThrow();
    expect(errors[0]?.message).toContain('EACCES');
    expect(writer.getStats().dropped).toBe(1);
  });

  it('closes once: flushes, then ignores later writes', async () => {
    const sink = new MemorySink();
    const writer = new RecordWriter(sink, { flushIntervalMs: 10_000, flushOnExit: false });
    writer.write('{"a":1}');
    const first = writer.close();
    expect(writer.close()).toBe(first);
    await first;
    writer.write('{"a":2}');
    await writer.flush();
    expect(sink.lines()).toEqual(['{"a":1}']);
    expect(writer.getStats()).toMatchObject({ written: 1, queued: 0 });
  });

  it('stays open until its last user closes it', async () => {
    const sink = new MemorySink();
    const writer = new RecordWriter(sink, { flushIntervalMs: 10_000, flushOnExit: false }).retain().retain();
    await writer.close();
    writer.write('{"still":"open"}');
    await writer.close();
    expect(sink.lines()).toEqual(['{"still":"open"}']);
  });

  it('never reuses memory an exit flush frees while an asynchronous write of it is still in flight', async () => {
    const sink = new FaultySink();
    sink.stalled = true;
    const writer = new RecordWriter(sink, { flushOnExit: false });
    const early = Array.from({ length: 10 }, (_, i) => `{"early":${i},"pad":"${'e'.repeat(1000)}"}`);
    for (const line of early) writer.write(line);
    await eventually(() => expect(sink.waiting).toBe(1)); // the first batch is being written, held by the stalled sink
    writer.write(`{"big":"${'b'.repeat(20_000)}"}`); // does not fit: the first chunk is finished
    writer.flushSync(); // exit: writes what is queued while the first write is still in flight
    for (let i = 0; i < 80; i++) writer.write(`{"late":${i},"pad":"${'l'.repeat(1000)}"}`);
    writer.flushSync();
    sink.release(); // the in-flight write reads its bytes only now, as the thread pool would
    await eventually(() => expect(sink.lines()).toHaveLength(91));
    expect(sink.lines().filter((line) => line.startsWith('{"early"'))).toEqual(early);
    expect(sink.lines().filter((line) => line.startsWith('{"late"'))).toHaveLength(80);
    expect(sink.lines().every((line) => line.endsWith('}'))).toBe(true);
  });

  it('retries only the lines after those a failed write reports written, and counts those as written', async () => {
    captureErrors();
    // Writes the first line of a chunk, then fails, as a batch split by a rotation on a full disk does.
    class FirstLineSink extends MemorySink {
      failing = true;
      override write(chunk: Buffer): Promise<void> {
        if (!this.failing) return super.write(chunk);
        const first = chunk.indexOf(0x0a) + 1;
        void super.write(Buffer.from(chunk.subarray(0, first)));
        return Promise.reject(new PartialWriteError('EFBIG: file too large', first));
      }
    }
    const sink = new FirstLineSink();
    const writer = new RecordWriter(sink, { flushIntervalMs: 1, flushOnExit: false });
    for (const n of [1, 2, 3]) writer.write(`{"n":${n}}`);
    await eventually(() => expect(sink.lines()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']));
    expect(writer.getStats()).toMatchObject({ written: 3, queued: 0, dropped: 0 });
    sink.failing = false;
    for (const n of [4, 5]) writer.write(`{"n":${n}}`);
    await writer.close();
    expect(sink.lines()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    expect(errors).toHaveLength(1);
  });
});
