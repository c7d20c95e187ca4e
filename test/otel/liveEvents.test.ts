import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ForestBuilder } from '@aitrace/forest';
import { normalizeRecord, type NormalizedRecord } from '@aitrace/format';
import { createAitrace } from '@aitrace/otel';
import { SqliteTraceStore } from '@aitrace/server';
import { describe, expect, it, vi } from 'vitest';
import { readTrace } from './traceFile.js';

const app = fileURLToPath(new URL('./apps/live-event-app.mjs', import.meta.url));

/** The records of the file's complete lines (a line being written is left for the next look). */
function completeRecords(file: string): NormalizedRecord[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const result = normalizeRecord(JSON.parse(line));
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.record;
    });
}

describe('live span events', () => {
  for (const mode of ['async', 'sync']) {
    it(`writes an event added to a running span while the span still runs, the process only waiting on a timer (${mode})`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'aitrace-live-events-')), 'trace.jsonl');
      const child = spawn(process.execPath, [app, file, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
          child.once('exit', (code) => reject(new Error(`the app exited (${code}) before it was ready`)));
        });
        // An observer polls the file while the app sits in its 30 s timer.
        await vi.waitFor(
          () =>
            expect(
              completeRecords(file)
                .filter((r) => r.type === 'span_event')
                .map((r) => r.event),
            ).toEqual(['checkpoint', 'exception']),
          { timeout: 5000, interval: 10 },
        );
        const records = completeRecords(file);
        expect(records.map((r) => r.type)).toEqual(['span_start', 'span_event', 'span_event']);
        expect(records[1]).toMatchObject({ name: 'long.job', spanId: records[0]!.spanId, attrs: { step: 1 } });
        expect(records[2]!.attrs['exception.message']).toBe('step 2 failed, retrying');
        expect(child.exitCode).toBeNull();
      } finally {
        child.kill('SIGKILL');
      }
    });
  }

  it('writes each event once: readers given the live events and later the end count every event once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-live-events-')), 'trace.jsonl');
    const aitrace = createAitrace({ output: file, sync: true, config: false });
    const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const span = provider.getTracer('live-events').startSpan('job');
    span.addEvent('checkpoint', { step: 1 });
    span.recordException(new Error('boom'));
    const live = readTrace(file);
    span.end();
    await aitrace.shutdown();
    const all = readTrace(file);
    const rest = all.slice(live.length);
    expect(rest.map((r) => r.type)).toEqual(['span_end']);

    const builder = new ForestBuilder();
    builder.add(live);
    const running = builder.forest().traces[0]!.roots[0]!;
    expect(running.state).toBe('running');
    expect(running.events.map((e) => e.event)).toEqual(['checkpoint', 'exception']);
    builder.add(rest);
    const ended = builder.forest().traces[0]!.roots[0]!;
    expect(ended.state).toBe('ok');
    expect(ended.events.map((e) => e.event)).toEqual(['checkpoint', 'exception']);

    const store = new SqliteTraceStore({ path: ':memory:' });
    try {
      await store.ingest(live);
      expect(await store.getTraceSummary(live[0]!.traceId!)).toMatchObject({ runningCount: 1, recordCount: 3 });
      await store.ingest(rest);
      expect(await store.getTraceSummary(live[0]!.traceId!)).toMatchObject({ runningCount: 0, spanCount: 1, recordCount: 3 });
      const stored = await store.getTraceRecords(live[0]!.traceId!);
      expect(stored.filter((r) => r.type === 'span_event').map((r) => r.event)).toEqual(['checkpoint', 'exception']);
    } finally {
      await store.close();
    }
  });
});
