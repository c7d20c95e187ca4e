// Viewer lists with 100,000 records, in headless Chromium against the real server: the logs view (100,000 logs
// stored: time to first render, to apply a text filter and a level filter) and the live stream (100,000 records
// streamed in: time to the first line, the longest main-thread task while they arrive, time to apply a filter to
// the lines kept). Three runs each, each in a fresh page; medians with the spread.
/* global document, location, PerformanceObserver, window -- the page.evaluate and waitForFunction callbacks run in Chromium */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { encodeRecord, formatEpochMicros } from '@aitrace/format';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { fmt, median } from './harness.mjs';
import { startServerChild } from './server.mjs';

const RECORDS = Number(process.env.BENCH_VIEWER_RECORDS ?? 100_000);
const RUNS = 3;
const BATCH = 5000;
const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error'];
const hex = (n, width) => n.toString(16).padStart(width, '0');

/** Log n: one in ten outside any trace, one in a hundred mentions "needle". */
function logLine(n, t0) {
  const meta = {
    timestamp: formatEpochMicros(t0 + n * 10),
    event: n % 100 === 7 ? `needle found ${n}` : `request handled ${n}`,
    type: 'log',
    level: LEVELS[n % LEVELS.length],
    service: `svc-${n % 5}`,
  };
  if (n % 10 !== 0) Object.assign(meta, { trace_id: hex(Math.floor(n / 10) + 1, 32), span_id: hex(n + 1, 16) });
  return encodeRecord(meta, { 'http.route': `/items/${n % 50}`, user: `user-${n % 997}`, bytes: n % 4096 });
}

/** Stream record n: spans starting and ending (one in five fails) and logs between them. */
function streamLine(n, t0) {
  const trace = hex(Math.floor(n / 4) + 1_000_000, 32);
  const span = hex(Math.floor(n / 4) + 1_000_000, 16);
  const at = formatEpochMicros(t0 + n * 10);
  const kind = n % 4;
  if (kind === 0)
    return encodeRecord(
      {
        timestamp: at,
        event: 'job.step.start',
        type: 'span_start',
        trace_id: trace,
        span_id: span,
        name: 'job.step',
        provisional: true,
        service: `svc-${n % 5}`,
      },
      { step: n },
    );
  if (kind === 3)
    return encodeRecord(
      {
        timestamp: at,
        event: 'job.step.end',
        type: 'span_end',
        trace_id: trace,
        span_id: span,
        name: 'job.step',
        status: n % 20 === 3 ? 'error' : 'ok',
        duration_ms: 0.03,
        service: `svc-${n % 5}`,
      },
      { step: n },
    );
  return encodeRecord(
    {
      timestamp: at,
      event: n % 100 === 1 ? `needle ${n}` : `progress ${n}`,
      type: 'log',
      level: 'info',
      trace_id: trace,
      span_id: span,
      service: `svc-${n % 5}`,
    },
    { done: n },
  );
}

/** Posts lines to a server's /api/ingest in batches of BATCH; throws on any answer but 200. */
export async function ingest(url, lines) {
  for (let i = 0; i < lines.length; i += BATCH) {
    const response = await fetch(new URL('/api/ingest', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: `${lines.slice(i, i + BATCH).join('\n')}\n`,
    });
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  }
}

const spread = (values) => (median(values) === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / median(values)) * 100);

/** Runs the measurements; returns per-run figures. */
export async function viewerLists() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-viewer-'));
  // The server runs in its own process, as it would for a user: its work never holds up the browser's driver.
  const child = await startServerChild(['aitrace-viewer', join(dir, 'traces.db')]);
  const server = { url: `http://127.0.0.1:${child.port}/` };
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS] });
  const t0 = Date.now() * 1000 - RECORDS * 10;
  try {
    await ingest(
      server.url,
      Array.from({ length: RECORDS }, (_, n) => logLine(n, t0)),
    );
    const logs = [];
    const stream = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      // A shared, busy machine slows Chromium down a lot: wait long rather than fail (the figures say how long).
      page.setDefaultTimeout(600_000);
      // Logs view: first render of the newest page, then a text filter (1% match) and a level filter.
      await page.goto(`${server.url}#/logs`);
      await page.waitForSelector('.log-row');
      const firstRenderMs = await page.evaluate(() => performance.now());
      let start = performance.now();
      await page.fill('.filter-q', 'needle');
      await page.press('.filter-q', 'Enter');
      await page.waitForFunction(
        () =>
          document.querySelector('.list-message')?.textContent?.endsWith('logs match') === true &&
          [...document.querySelectorAll('.log-message')].every((cell) => cell.textContent.startsWith('needle')),
      );
      const textFilterMs = performance.now() - start;
      start = performance.now();
      await page.selectOption('.filter-level', 'error');
      await page.waitForFunction(
        () =>
          location.hash.includes('level=error') &&
          document.querySelectorAll('.log-row').length > 0 &&
          [...document.querySelectorAll('.log-row')].every((row) => row.className.includes('level-error')),
      );
      const levelFilterMs = performance.now() - start;
      logs.push({ first_render_ms: firstRenderMs, text_filter_ms: textFilterMs, level_filter_ms: levelFilterMs });

      // Live stream, loaded afresh (a hash change would find the logs view's connection still shown): RECORDS records arrive while it is open.
      await page.goto('about:blank');
      await page.goto(`${server.url}#/stream`);
      await page.waitForSelector('.connection.connected');
      await page.evaluate(() => {
        window.longestTaskMs = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.longestTaskMs = Math.max(window.longestTaskMs, entry.duration);
        }).observe({ type: 'longtask', buffered: false });
      });
      const base = Date.now() * 1000 + run * RECORDS * 10;
      const lines = Array.from({ length: RECORDS }, (_, n) => streamLine(n + run * RECORDS, base - run * RECORDS * 10));
      start = performance.now();
      const sending = ingest(server.url, lines);
      await page.waitForSelector('.stream-row');
      const firstLineMs = performance.now() - start;
      await sending;
      const ingestMs = performance.now() - start;
      // Every record is a line, and an end with no start seen brings one: at least RECORDS lines arrived.
      await page.waitForFunction(
        (n) =>
          /lines shown/.test(document.querySelector('.stream-message')?.textContent ?? '') &&
          (document.querySelector('.stream-message').textContent.includes('dropped') ||
            Number(/of ([\d,]+) lines/.exec(document.querySelector('.stream-message').textContent)[1].replace(/,/g, '')) >= n),
        Math.min(RECORDS, 50_000),
      );
      const allShownMs = performance.now() - start;
      const longestTaskMs = await page.evaluate(() => window.longestTaskMs);
      start = performance.now();
      await page.fill('.filter-q', 'needle');
      await page.press('.filter-q', 'Enter');
      await page.waitForFunction(
        () =>
          /^[\d,]+ of [\d,]+ lines shown/.test(document.querySelector('.stream-message')?.textContent ?? '') &&
          [...document.querySelectorAll('.stream-what')].every((cell) => cell.textContent.startsWith('needle')),
      );
      const streamFilterMs = performance.now() - start;
      const kept = await page.textContent('.stream-message');
      // The facet counts under the same filter come from the server after the lines are filtered: how long they take.
      start = performance.now();
      await (await fetch(new URL('/api/facets?q=needle', server.url))).text();
      const facetsMs = performance.now() - start;
      start = performance.now();
      await (await fetch(new URL('/api/facets', server.url))).text();
      const allFacetsMs = performance.now() - start;
      stream.push({
        first_line_ms: firstLineMs,
        ingest_ms: ingestMs,
        all_shown_ms: allShownMs,
        longest_task_ms: longestTaskMs,
        filter_ms: streamFilterMs,
        facets_ms: facetsMs,
        all_facets_ms: allFacetsMs,
        kept,
      });
      await context.close();
    }
    return { records: RECORDS, runs: RUNS, logs, stream };
  } finally {
    await browser.close();
    child.child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench section: runs, prints a table, records results and targets. */
export async function viewerListsSection(results, target) {
  console.log(
    `\nviewer lists: the logs view over ${fmt(RECORDS)} stored logs and the live stream receiving ${fmt(RECORDS)} records, in Chromium; ${RUNS} runs ...`,
  );
  const r = await viewerLists();
  results.viewer_lists = r;
  const row = (values, digits = 0) => ({
    median: fmt(median(values), digits),
    min: fmt(Math.min(...values), digits),
    max: fmt(Math.max(...values), digits),
    'spread %': fmt(spread(values), 1),
  });
  const pick = (list, key) => list.map((m) => m[key]);
  console.table({
    'logs: first render after navigation, ms': row(pick(r.logs, 'first_render_ms')),
    'logs: text filter (1% match) to rendered, ms': row(pick(r.logs, 'text_filter_ms')),
    'logs: level filter to rendered, ms': row(pick(r.logs, 'level_filter_ms')),
    'stream: first POST to first line shown, ms': row(pick(r.stream, 'first_line_ms')),
    [`stream: ${fmt(RECORDS)} records posted (batches of ${BATCH}), ms`]: row(pick(r.stream, 'ingest_ms')),
    'stream: until every line is kept, ms': row(pick(r.stream, 'all_shown_ms')),
    'stream: longest main-thread task while records arrive, ms': row(pick(r.stream, 'longest_task_ms')),
    'stream: text filter over the kept lines to rendered, ms': row(pick(r.stream, 'filter_ms')),
    'server: facet counts for that filter (GET /api/facets?q=needle), ms': row(pick(r.stream, 'facets_ms')),
    'server: facet counts of every trace (GET /api/facets), ms': row(pick(r.stream, 'all_facets_ms')),
  });
  console.log(`stream, after the filter: ${r.stream.at(-1).kept}`);
  const worst = (list, key) => Math.max(...pick(list, key));
  target(
    'viewer logs view, 100,000 logs: first render ms (worst of 3)',
    worst(r.logs, 'first_render_ms'),
    '< 1000 ms',
    worst(r.logs, 'first_render_ms') < 1000,
  );
  target(
    'viewer logs view, 100,000 logs: apply a filter ms (worst of 3, text and level)',
    Math.max(worst(r.logs, 'text_filter_ms'), worst(r.logs, 'level_filter_ms')),
    '< 500 ms',
    Math.max(worst(r.logs, 'text_filter_ms'), worst(r.logs, 'level_filter_ms')) < 500,
  );
  target('viewer live stream, 100,000 records: apply a filter ms (worst of 3)', worst(r.stream, 'filter_ms'), '< 500 ms', worst(r.stream, 'filter_ms') < 500);
  target(
    'viewer live stream, 100,000 records: longest main-thread task ms (worst of 3)',
    worst(r.stream, 'longest_task_ms'),
    '< 200 ms',
    worst(r.stream, 'longest_task_ms') < 200,
  );
}
