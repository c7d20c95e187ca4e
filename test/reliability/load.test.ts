import { fileURLToPath } from 'node:url';
import type { TracePage, TraceSummary } from '@aitrace/server';
import { describe, expect, it } from 'vitest';
import { readJson, startTestServer } from '../server/harness.js';
import { figure, runNode, scale } from './support.js';

const client = fileURLToPath(new URL('./apps/load-client.mjs', import.meta.url));

/**
 * The documented load: 40 batches a second, each with the starts of 25 spans, 50 logs and the ends of the previous
 * batch's 25 spans (100 records), from up to 8 requests in flight: 4,000 records a second. It is about half of what
 * one server process stores on a 2-core machine, so it holds while other tests run beside it.
 */
const LOAD = { batchesPerSecond: 40, spansPerBatch: 25, logsPerBatch: 50, maxInFlight: 8 };
const DURATION_MS = Number(process.env.AITRACE_LOAD_SECONDS ?? 0) * 1000 || scale(5_000, 60_000);

/** What the load client reports. */
interface LoadReport {
  batches: number;
  lines: number;
  accepted: number;
  statuses: Record<string, number>;
  errors: string[];
  late: number;
  maxInFlight: number;
  traces: number;
  elapsedMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

describe('load: a loopback client streaming JSONL batches to a real server', () => {
  it(
    `holds ${LOAD.batchesPerSecond * (2 * LOAD.spansPerBatch + LOAD.logsPerBatch)} records/s for ${DURATION_MS / 1000} s with no errors and no lost records`,
    { timeout: DURATION_MS + 120_000 },
    async () => {
      const server = await startTestServer();
      try {
        const rssBefore = process.memoryUsage().rss;
        let peakRss = rssBefore;
        let peakHeap = 0;
        const sampler = setInterval(() => {
          const memory = process.memoryUsage();
          peakRss = Math.max(peakRss, memory.rss);
          peakHeap = Math.max(peakHeap, memory.heapUsed);
        }, 100);
        const run = runNode(client, [
          server.url,
          String(DURATION_MS),
          String(LOAD.batchesPerSecond),
          String(LOAD.spansPerBatch),
          String(LOAD.logsPerBatch),
          String(LOAD.maxInFlight),
        ]);
        const exit = await run.exited;
        clearInterval(sampler);
        expect(exit.code, exit.stderr).toBe(0);
        const report = JSON.parse(exit.stdout) as LoadReport;
        const context = JSON.stringify(report);

        // No errors: every batch answered 200 and accepted whole.
        expect(report.errors, context).toEqual([]);
        expect(report.statuses, context).toEqual({ 200: report.batches });
        expect(report.accepted, context).toBe(report.lines);
        // The rate held: batches left on schedule and the server kept up until the end, with no stall of
        // seconds (bounds leave room for other tests running beside this one on a 2-core machine).
        expect(report.late, context).toBeLessThanOrEqual(Math.ceil(report.batches * 0.02));
        expect(report.elapsedMs, context).toBeLessThan(DURATION_MS + 5_000);
        expect(report.p99Ms, context).toBeLessThan(5_000);

        // No lost records: every trace is there, ended, with every span and log; nothing else was stored.
        const traces: TraceSummary[] = [];
        for (let cursor: string | null = ''; cursor !== null;) {
          const page: TracePage = await readJson<TracePage>(await server.request(`/api/traces?service=load&limit=1000${cursor ? `&cursor=${cursor}` : ''}`));
          traces.push(...page.traces);
          cursor = page.nextCursor;
        }
        expect(traces).toHaveLength(report.traces);
        const wrong = traces.filter(
          (t) => t.spanCount !== LOAD.spansPerBatch || t.recordCount !== LOAD.spansPerBatch + LOAD.logsPerBatch || t.runningCount !== 0,
        );
        expect(wrong.slice(0, 3)).toEqual([]);
        const expectedRows = report.traces * (LOAD.spansPerBatch + LOAD.logsPerBatch);
        const storedRows = await server.store.countRows();
        expect(storedRows).toBe(expectedRows);

        const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
        figure(
          `load: ${report.lines} records in ${report.batches} batches over ${(report.elapsedMs / 1000).toFixed(1)} s ` +
            `(${Math.round(report.lines / (report.elapsedMs / 1000))} records/s), errors ${report.errors.length}, late batches ${report.late}, ` +
            `latency p50 ${report.p50Ms} ms p95 ${report.p95Ms} ms p99 ${report.p99Ms} ms max ${report.maxMs} ms, ` +
            `rows stored ${storedRows} of ${expectedRows} expected (lost ${expectedRows - storedRows}), server process RSS ${mib(rssBefore)} -> peak ${mib(peakRss)} MiB, peak heap ${mib(peakHeap)} MiB`,
        );
      } finally {
        await server.stop();
      }
    },
  );
});
