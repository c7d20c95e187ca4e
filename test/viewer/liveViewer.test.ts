/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@aitrace/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerBrowser } from './browser.js';
import { fileIngester } from './fileIngester.js';
import { BridgeTrace, HOSTILE } from './otelTrace.js';

const spanNames = (page: Page): Promise<string[]> =>
  page.$$eval('.span-row', (rows) =>
    rows
      .sort((a, b) => Number((a as HTMLElement).dataset.index) - Number((b as HTMLElement).dataset.index))
      .map((row) => row.querySelector('.span-label')!.textContent!),
  );

describe('the web viewer served by the trace server, in headless Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: ViewerBrowser;
  let bridge: BridgeTrace;
  let ingest: () => Promise<void>;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-viewer-'));
    server = await startServer({ port: 0, db: join(dir, 'traces.db'), onProblem: (message) => problems.push(message) });
    browser = await ViewerBrowser.launch();
    bridge = new BridgeTrace(join(dir, 'app.jsonl'));
    ingest = fileIngester(bridge.file, () => server);
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });

  it('is served under a Content-Security-Policy that forbids inline script, and obeys it', async () => {
    const watched = await browser.page();
    const { page } = watched;
    const response = await page.goto(server.url);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await page.waitForSelector('.list-message');
    expect(
      await page.$$eval('script', (scripts) =>
        scripts.map((script) => (script.src === '' ? 'inline' : new URL(script.src).pathname.replace(/-[A-Z0-9]+\.js$/, '.js'))),
      ),
    ).toEqual(['/assets/viewer.js']);
    // An inline script added to the page is refused by the policy.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await expect.poll(() => watched.cspViolations.length).toBe(1);
    expect(watched.errors).toEqual([]);
  });

  it('finds a trace by attribute, expands its spans, and shows details, errors and hostile values as text', async () => {
    const ids = bridge.checkout('A-17');
    bridge.checkout('B-99');
    await bridge.flush();
    await ingest();

    const watched = await browser.page();
    const { page } = watched;
    await page.goto(server.url);
    await page.waitForSelector('.trace-row >> nth=1');
    await page.fill('.filter-attrs', 'order.id=A-17');
    await page.press('.filter-attrs', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(page.url()).toContain('attr=order.id%3DA-17');
    expect(await page.textContent('.trace-row .root-name')).toBe('checkout');
    expect(await page.getAttribute('.trace-row', 'class')).toContain('state-error');
    await watched.screenshot('live-list-filtered');

    await page.click('.trace-row');
    await page.waitForFunction(() => document.querySelectorAll('.span-row').length === 3);
    expect(page.url()).toContain(`#/trace/${ids.traceId}`);
    await page.click('text=Collapse all');
    expect(await spanNames(page)).toEqual(['checkout']);
    expect(await page.textContent('.span-row .span-badge')).toBe('1 ✗ inside');

    // Keyboard: select the root, expand it, walk down to the failed span and open its details.
    await page.focus('.span-viewport');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await spanNames(page)).toEqual(['checkout', 'reserve.stock', 'charge.card']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(page.url()).toContain(`/span/${ids.failedId}`);
    expect(await page.getAttribute('.span-row.selected', 'class')).toContain('state-error');
    expect(await page.isHidden('.detail-pane')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.detail-pane .detail-title');
    expect(await page.textContent('.detail-title')).toBe('charge.card');
    expect(await page.textContent('.detail-status')).toContain('error: card declined');
    expect(await page.textContent('.source-location')).toBe('src/checkout.ts:42 in chargeCard');
    expect(await page.textContent('.record.exception .record-event')).toBe('exception');
    expect(await page.textContent('.record.exception')).toContain('card declined');
    expect(await page.textContent('.stat-errors')).toBe('1 error');
    await watched.screenshot('live-trace-error-detail');

    // The hostile attribute value of the root is shown as text; nothing ran and no element was created.
    await page.keyboard.press('Home');
    expect(await page.textContent('.detail-title')).toBe('checkout');
    const comment = page.locator('.attr-table tr', { has: page.locator('th', { hasText: /^comment$/ }) }).locator('.value');
    expect(await comment.textContent()).toBe(HOSTILE);
    expect(await page.$$eval('img', (images) => images.length)).toBe(0);

    // Nested log data is pretty-printed.
    await page.keyboard.press('ArrowDown');
    expect(await page.textContent('.detail-title')).toBe('reserve.stock');
    expect(await page.textContent('.record-log .record-event')).toBe('cart.loaded');
    expect(await page.textContent('.record-log pre.value')).toBe('{\n  "items": [\n    {\n      "sku": "X1",\n      "qty": 2\n    }\n  ],\n  "total": 19.5\n}');
    await watched.screenshot('live-trace-nested-log');

    // Escape closes the details, then goes back to the list with its filter.
    await page.keyboard.press('Escape');
    expect(await page.isHidden('.detail-pane')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.list-view');
    expect(page.url()).toContain('attr=order.id%3DA-17');
    expect(await page.inputValue('.filter-attrs')).toBe('order.id=A-17');

    // A permalink to a span opens the trace with that span selected and its details shown.
    const linked = await browser.page();
    await linked.page.goto(`${server.url}#/trace/${ids.traceId}/span/${ids.stockId}`);
    await linked.page.waitForSelector('.span-row.selected');
    expect(await linked.page.textContent('.span-row.selected .span-label')).toBe('reserve.stock');
    expect(await linked.page.textContent('.detail-title')).toBe('reserve.stock');

    expect(watched.dialogs).toEqual([]);
    expect(linked.dialogs).toEqual([]);
    expect([...watched.errors, ...linked.errors]).toEqual([]);
    expect([...watched.cspViolations, ...linked.cspViolations]).toEqual([]);
  });

  it('shows a new trace and its running spans live, and turns them final when their ends are ingested', async () => {
    const watched = await browser.page();
    const { page } = watched;
    await page.goto(server.url);
    await page.waitForSelector('.connection.connected');

    const root = bridge.tracer.startSpan('agent.run', { attributes: { task: 'summarise' } });
    const step = bridge.within(root, () => bridge.tracer.startSpan('long.step'));
    await bridge.flush();
    await ingest();

    // The list updates from the live stream, without a reload.
    const row = page.locator('.trace-row', { has: page.locator('.root-name', { hasText: 'agent.run' }) });
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('state-running');
    await row.click();
    await page.waitForFunction(() => document.querySelectorAll('.span-row.state-running').length === 2);
    expect(await page.textContent('.stat-running')).toBe('2 running');
    const first = await page.textContent('.span-row.state-running .span-duration');
    expect(first).toMatch(/^running /);
    await watched.screenshot('live-running');
    await expect.poll(() => page.textContent('.span-row.state-running .span-duration'), { timeout: 5000 }).not.toBe(first);

    step.end();
    root.end();
    await bridge.flush();
    await ingest();
    await page.waitForFunction(() => document.querySelectorAll('.span-row.state-ok').length === 2, undefined, { timeout: 10_000 });
    expect(await page.$$('.span-row.state-running')).toHaveLength(0);
    expect(await page.$$('.stat-running')).toHaveLength(0);
    expect(await spanNames(page)).toEqual(['agent.run', 'long.step']);
    expect(await page.textContent('.connection')).toBe('● live');
    await watched.screenshot('live-final');
    expect(watched.errors).toEqual([]);
  });

  it('asks for the token of a server started with one, then shows its traces and live updates', async () => {
    const guarded = await startServer({ port: 0, db: join(dir, 'guarded.db'), token: 's3cret-viewer-token', onProblem: (message) => problems.push(message) });
    try {
      const { traceId } = bridge.checkout('T-1');
      await bridge.flush();
      const records = readFileSync(bridge.file, 'utf8');
      const stored = await fetch(new URL('/api/ingest', guarded.url), {
        method: 'POST',
        headers: { Authorization: 'Bearer s3cret-viewer-token', 'Content-Type': 'application/x-ndjson' },
        body: records,
      });
      expect(stored.status).toBe(200);
      const watched = await browser.page();
      const { page } = watched;
      await page.goto(`${guarded.url}#/?attr=order.id%3DT-1`);
      await page.waitForSelector('.token-form');
      await page.fill('.token-form input', 's3cret-viewer-token');
      await page.press('.token-form input', 'Enter');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
      expect(await page.getAttribute('.trace-row', 'data-trace-id')).toBe(traceId);
      await page.waitForSelector('.connection.connected');
      await page.click('.trace-row');
      await page.waitForFunction(() => document.querySelectorAll('.span-row').length === 3);
      await page.waitForSelector('.connection.connected');
      expect(watched.errors).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  it('follows the system colour scheme and switches theme with the toggle', async () => {
    const watched = await browser.page({ colorScheme: 'dark' });
    const { page } = watched;
    await page.goto(server.url);
    await page.waitForSelector('.trace-row');
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(21, 24, 30)');
    await watched.screenshot('theme-dark');
    await page.click('.theme-toggle');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.reload();
    await page.waitForSelector('.trace-row');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await watched.screenshot('theme-light');
  });
});
