// The viewer on one big trace, in headless Chromium against the real server: a trace of 100,000 spans and one of
// 1,000,000 (agent-shaped: a root, steps under it, calls under each step) are stored, then each is opened in a fresh
// page; the figure is the time from navigation to the first paint of its span tree (the first row drawn), three runs
// each, with the spread, and the time until every span is loaded and counted. The records are span ends as an OTLP
// receiver stores them (start time and duration).
/* global document, requestAnimationFrame -- the evaluate and waitForFunction callbacks run in Chromium */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { encodeRecord, formatEpochMicros } from '@aitrace/format';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { fmt, median } from './harness.mjs';
import { startServerChild } from './server.mjs';
import { ingest } from './viewerLists.mjs';

const SIZES = (process.env.BENCH_VIEWER_SPANS ?? '100000,1000000').split(',').map(Number);
const RUNS = 3;
const FANOUT = 100;
const hex = (n, width) => n.toString(16).padStart(width, '0');

/** Span n (0 is the root) of a trace: span n's parent is span floor((n - 1) / FANOUT); every span lasts 2 ms. */
function spanLine(trace, n, t0) {
  const start = t0 + n * 10;
  const meta = {
    timestamp: formatEpochMicros(start + 2000),
    event: n === 0 ? 'invoke_agent.end' : 'step.end',
    type: 'span_end',
    trace_id: trace,
    span_id: hex(n + 1, 16),
    name: n === 0 ? 'invoke_agent' : n <= FANOUT ? `step ${n}` : `call ${n % 20}`,
    status: n % 997 === 5 ? 'error' : 'ok',
    start_time: formatEpochMicros(start),
    duration_ms: 2,
    service: 'agent',
  };
  if (n > 0) meta.parent_span_id = hex(Math.floor((n - 1) / FANOUT) + 1, 16);
  return encodeRecord(meta, { 'gen_ai.operation.name': n <= FANOUT ? 'execute_tool' : 'chat', step: n, ok: n % 997 !== 5 });
}

/** Stores one trace of `spans` spans, built and posted 50,000 lines at a time. */
async function ingestTrace(url, trace, spans, t0) {
  for (let from = 0; from < spans; from += 50_000) {
    const lines = [];
    for (let n = from; n < Math.min(spans, from + 50_000); n++) lines.push(spanLine(trace, n, t0));
    await ingest(url, lines);
  }
}

const spread = (values) => (median(values) === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / median(values)) * 100);

/** Stores the traces and opens each RUNS times; first-paint ms per size. */
export async function viewerTrace() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-viewer-trace-'));
  // The server runs in its own process, as for a user: streaming a trace never holds up the browser's driver.
  const child = await startServerChild(['aitrace-viewer', join(dir, 'traces.db')]);
  const server = { url: `http://127.0.0.1:${child.port}/` };
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS] });
  try {
    const out = {};
    for (const [i, spans] of SIZES.entries()) {
      const trace = hex(0xbe000 + i, 32);
      await ingestTrace(server.url, trace, spans, Date.UTC(2026, 0, 1) * 1000 + i * 1e9);
      const firstPaint = [];
      const whole = [];
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        page.setDefaultTimeout(600_000);
        await page.goto(`${server.url}#/trace/${trace}`);
        await page.waitForSelector('.span-row .span-label');
        // Time from navigation start to the frame after the first row is in the page.
        firstPaint.push(await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))));
        const rootShown = await page.textContent('.span-row .span-label');
        if (rootShown !== 'invoke_agent') throw new Error(`the tree of the ${spans}-span trace opened on ${JSON.stringify(rootShown)}`);
        // The rest arrives while the first spans are shown, and the page says so: until the header counts every span.
        const loadingNotice = await page.evaluate(() => document.querySelector('p.notice:not([hidden])')?.textContent ?? '');
        if (!loadingNotice.startsWith('Loading the rest of the trace'))
          throw new Error(`the ${spans}-span trace at first paint says ${JSON.stringify(loadingNotice)}, not that it is still loading`);
        await page.waitForFunction((n) => document.querySelector('.stat-spans')?.textContent === `${n} spans`, spans);
        whole.push(await page.evaluate(() => performance.now()));
        await page.waitForSelector('p.notice', { state: 'hidden' });
        await context.close();
      }
      out[spans] = { first_paint_ms: firstPaint, whole_ms: whole };
    }
    return out;
  } finally {
    await browser.close();
    child.child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench section: runs, prints a table, records results and targets. */
export async function viewerTraceSection(results, target) {
  console.log(
    `\nviewer trace: first paint of the span tree of one trace of ${SIZES.map((n) => fmt(n)).join(' and ')} spans, in Chromium; ${RUNS} runs each ...`,
  );
  const r = await viewerTrace();
  results.viewer_trace = r;
  const row = (ms) => ({ median: fmt(median(ms)), min: fmt(Math.min(...ms)), max: fmt(Math.max(...ms)), 'spread %': fmt(spread(ms), 1) });
  console.table(
    Object.fromEntries(
      Object.entries(r).flatMap(([spans, m]) => [
        [`${fmt(Number(spans))} spans: navigation to first paint of the tree, ms`, row(m.first_paint_ms)],
        [`${fmt(Number(spans))} spans: navigation to every span loaded and drawn, ms`, row(m.whole_ms)],
      ]),
    ),
  );
  for (const [spans, m] of Object.entries(r)) {
    const goal = Number(spans) >= 1_000_000 ? 3000 : 1000;
    const worst = Math.max(...m.first_paint_ms);
    target(`viewer, ${fmt(Number(spans))}-span trace: first paint of the tree (worst of 3)`, worst, `< ${fmt(goal)} ms`, worst < goal);
  }
}
