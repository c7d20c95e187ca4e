/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderTraceHtml } from '@aitrace/viewer/html';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeTrace, HOSTILE } from './otelTrace.js';
import { ViewerHarness } from './viewerHarness.js';

/**
 * One run of `GET /orders` through the real OTel bridge, with fixed times: auth, then one db.query per entry of
 * `queries` (ms each), then cache.get when `cached`. Returns the trace id.
 */
function ordersRun(bridge: BridgeTrace, t0: number, queries: number[], cached: boolean): string {
  const root = bridge.tracer.startSpan('GET /orders', { startTime: t0, attributes: { note: HOSTILE } });
  let at = t0 + 1;
  bridge.within(root, () => {
    bridge.tracer.startSpan('auth', { startTime: at }).end((at += 10));
    for (const ms of queries) bridge.tracer.startSpan('db.query', { startTime: (at += 1) }).end((at += ms));
    if (cached) bridge.tracer.startSpan('cache.get', { startTime: (at += 1) }).end((at += 2));
    bridge.tracer.startSpan(HOSTILE, { startTime: (at += 1) }).end((at += 1));
  });
  root.end((at += 5));
  return root.spanContext().traceId;
}

const rowOf = (page: Page, path: string) => page.locator(`.compare-row[data-path="${path.replace(/"/g, '\\"')}"]`);

async function checkComparison(page: Page): Promise<void> {
  await page.waitForSelector('.compare-row >> nth=5');
  const rows = await page.$$eval('.compare-row', (elements) =>
    elements
      .sort((x, y) => Number((x as HTMLElement).dataset.index) - Number((y as HTMLElement).dataset.index))
      .map((row) => [(row as HTMLElement).dataset.path, row.className.replace('compare-row ', ''), row.querySelector('.compare-delta')!.textContent]),
  );
  expect(rows).toEqual([
    ['GET /orders', 'change-same slower', '+193ms (+449%)'],
    ['GET /orders/auth', 'change-same', '±0'],
    ['GET /orders/db.query', 'change-same slower', '+190ms (+1900%)'],
    ['GET /orders/db.query#2', 'change-same', '±0'],
    ['GET /orders/cache.get', 'change-missing', 'missing'],
    [`GET /orders/${HOSTILE}`, 'change-same', '±0'],
    ['GET /orders/db.query#3', 'change-added', 'added'],
  ]);
  expect(await page.textContent('.compare-summary')).toBe('B took +193ms (+449%) · 5 in both · 1 added in B · 1 missing from B');
  expect(await rowOf(page, 'GET /orders/cache.get').locator('.compare-side-cell').nth(1).getAttribute('class')).toContain('absent');
  expect(await rowOf(page, 'GET /orders/db.query').locator('.span-duration').allTextContents()).toEqual(['10.0ms', '200ms']);
  expect(await rowOf(page, `GET /orders/${HOSTILE}`).locator('.span-label').textContent()).toBe(HOSTILE);
  expect(await page.$$eval('img', (images) => images.length)).toBe(0);
}

describe('comparing two traces side by side, in headless Chromium', () => {
  let harness: ViewerHarness;
  let jsonl: string;
  let fast: string;
  let slow: string;

  beforeAll(async () => {
    harness = await ViewerHarness.start('compare');
    const bridge = new BridgeTrace(join(harness.dir, 'app.jsonl'));
    const t0 = Date.now() - 60_000;
    fast = ordersRun(bridge, t0, [10, 10], true);
    slow = ordersRun(bridge, t0 + 10_000, [200, 10, 5], false);
    await bridge.close();
    jsonl = readFileSync(bridge.file, 'utf8');
    await harness.ingest(jsonl);
  });

  afterAll(() => harness?.close());

  it('picks two traces in the list and shows them aligned by span name and path, with differences, added and missing spans', async () => {
    const watched = await harness.browser.page();
    const { page } = watched;
    await page.goto(harness.server.url);
    await page.waitForSelector('.trace-row >> nth=1');
    expect(await page.isHidden('.compare-bar')).toBe(true);
    await page.check(`.trace-row[data-trace-id="${fast}"] .compare-pick`);
    // Picking does not open the trace.
    expect(page.url()).not.toContain('#/trace/');
    expect(await page.textContent('.compare-bar')).toContain('pick one more trace');
    await page.check(`.trace-row[data-trace-id="${slow}"] .compare-pick`);
    await watched.screenshot('compare-pick');
    await page.click('.compare-link');
    await page.waitForURL(`**#/compare/${fast}/${slow}`);
    await checkComparison(page);
    await watched.screenshot('compare-view');

    // A span's duration opens it in its trace.
    await rowOf(page, 'GET /orders/db.query').locator('.span-duration').nth(1).click();
    await page.waitForSelector('.span-row.selected');
    expect(page.url()).toContain(`#/trace/${slow}/span/`);
    expect(await page.textContent('.detail-title')).toBe('db.query');

    // Swapping turns added into missing.
    await page.goto(`${harness.server.url}#/compare/${slow}/${fast}`);
    await page.waitForSelector('.compare-row >> nth=5');
    expect(await rowOf(page, 'GET /orders/db.query#3').getAttribute('class')).toContain('change-missing');
    expect(await rowOf(page, 'GET /orders/cache.get').getAttribute('class')).toContain('change-added');
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('compares the two traces of a single-file HTML trace offline', async () => {
    const file = join(harness.dir, 'two.html');
    writeFileSync(file, renderTraceHtml(jsonl, { title: 'two.jsonl' }));
    const watched = await harness.browser.page();
    const { page } = watched;
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('.trace-row >> nth=1');
    await page.check(`.trace-row[data-trace-id="${fast}"] .compare-pick`);
    await page.check(`.trace-row[data-trace-id="${slow}"] .compare-pick`);
    await page.click('.compare-link');
    await checkComparison(page);
    await watched.screenshot('html-compare-view');
    expect(watched.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    expect(watched.cspViolations).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});
