/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatEpochMicros } from '@aitrace/format';
import { renderTraceHtml } from '@aitrace/viewer/html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/runCli.js';
import { ARTIFACTS, ViewerBrowser } from './browser.js';
import { BridgeTrace, HOSTILE } from './otelTrace.js';

const ROW_HEIGHT = 26;
const BIG_TRACE = '0af7651916cd43dd8448eb211c80319c';

/** JSONL of one trace with `count` spans: a root, 99 children, each with up to 1,000 children; every 1,000th fails. */
function bigTraceJsonl(count: number): string {
  const t0 = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;
  const id = (n: number): string => n.toString(16).padStart(16, '0');
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) {
    const parent = n === 1 ? undefined : n <= 100 ? 1 : 2 + ((n - 101) % 99);
    const name = n === 1 ? 'batch.run' : n <= 100 ? `shard.${n}` : `item.${n}`;
    const startUs = t0 + n * 10;
    const endUs = n === 1 ? t0 + count * 10 + 5000 : startUs + 2000 + (n % 97) * 10;
    const base = { trace_id: BIG_TRACE, span_id: id(n), ...(parent !== undefined ? { parent_span_id: id(parent) } : {}), name, service: 'batch' };
    lines.push(
      JSON.stringify({
        __tracer_meta__: { timestamp: formatEpochMicros(startUs), event: `${name}.start`, type: 'span_start', ...base, provisional: true },
        item: n,
      }),
    );
    const failed = n % 1000 === 0;
    lines.push(
      JSON.stringify({
        __tracer_meta__: {
          timestamp: formatEpochMicros(endUs),
          event: `${name}.end`,
          type: 'span_end',
          ...base,
          status: failed ? 'error' : 'ok',
          ...(failed ? { status_message: `item ${n} failed` } : {}),
          start_time: formatEpochMicros(startUs),
          duration_ms: (endUs - startUs) / 1000,
        },
        item: n,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('single-file HTML traces opened from file:// in headless Chromium', () => {
  let dir: string;
  let browser: ViewerBrowser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-html-viewer-'));
    browser = await ViewerBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the service version, environment and resource of a span and its trace', async () => {
    const file = join(dir, 'resource.jsonl');
    const at = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;
    const resource = { 'service.version': '2.4.1', 'deployment.environment.name': 'staging', 'k8s.pod.name': 'shop-7d9f' };
    const base = { trace_id: BIG_TRACE, span_id: '00f067aa0ba902b7', name: 'checkout', service: 'shop', resource };
    writeFileSync(
      file,
      `${JSON.stringify({ __tracer_meta__: { timestamp: formatEpochMicros(at + 5000), event: 'checkout.end', type: 'span_end', ...base, status: 'ok', start_time: formatEpochMicros(at), duration_ms: 5 } })}\n`,
    );
    const output = join(dir, 'resource.html');
    expect(runCli(['html', file, '-o', output]).code).toBe(0);
    const { page } = await browser.page();
    await page.goto(pathToFileURL(output).href);
    // A file of one trace opens on that trace.
    await page.waitForSelector('.stat-version');
    expect(await page.textContent('.stat-version')).toBe('2.4.1');
    expect(await page.textContent('.stat-environment')).toBe('staging');
    await page.click('.span-row[data-index="0"]');
    const fact = (name: string) => page.locator('.span-detail dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]');
    expect(await fact('version').textContent()).toBe('2.4.1');
    expect(await fact('environment').textContent()).toBe('staging');
    const pod = page.locator('.attr-table tr', { has: page.locator('th', { hasText: /^k8s\.pod\.name$/ }) }).locator('.value');
    expect(await pod.textContent()).toBe('shop-7d9f');
  });

  it('opens an `aitrace html` file with no network, under its CSP, with hostile values shown as text', async () => {
    const file = join(dir, 'shop.jsonl');
    const bridge = new BridgeTrace(file);
    bridge.checkout('A-17');
    const wanted = bridge.checkout('B-99');
    await bridge.close();
    appendFileSync(file, '{"not": "a record"}\n');
    const output = join(dir, 'shop.html');
    const cli = runCli(['html', file, '-o', output]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`${file}:`);

    const watched = await browser.page();
    const { page } = watched;
    await page.goto(pathToFileURL(output).href);
    expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toMatch(
      /^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+';/,
    );
    await page.waitForSelector('.trace-row >> nth=1');
    expect(await page.textContent('.problems summary')).toBe('1 line of the source could not be read and was skipped');
    expect(await page.textContent('.source')).toBe('shop.jsonl');

    // The search box reads the filter text: a bad term is named with its column; quoted values and fields work.
    await page.fill('.filter-q', 'order.id="B-99" stauts:error');
    await page.press('.filter-q', 'Enter');
    await page.waitForFunction(
      () => document.querySelector('.list-message.error')?.textContent?.startsWith('column 17: "stauts:error": unknown field "stauts"') === true,
    );
    await page.fill('.filter-q', 'order.id="B-99" status:error');
    await page.press('.filter-q', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(page.url()).toContain('status=error');
    await page.fill('.filter-q', '');
    await page.fill('.filter-attrs', 'order.id=B-99');
    await page.press('.filter-attrs', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    await page.click('.trace-row');
    await page.waitForFunction(() => document.querySelectorAll('.span-row').length === 3);
    expect(page.url()).toContain(`#/trace/${wanted.traceId}`);
    await page.click('.span-row[data-index="0"]');
    const comment = page.locator('.attr-table tr', { has: page.locator('th', { hasText: /^comment$/ }) }).locator('.value');
    expect(await comment.textContent()).toBe(HOSTILE);
    expect(await page.$$eval('img', (images) => images.length)).toBe(0);
    await page.click('.span-row.state-error');
    expect(await page.textContent('.detail-status')).toContain('error: card declined');
    await watched.screenshot('html-trace');

    // The page's own policy refuses any other inline script.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    expect(watched.cspViolations.length).toBeGreaterThan(0);
    expect(watched.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('shows a 100,000-span trace with only the visible rows in the DOM, and scrolls through all of it', { timeout: 120_000 }, async () => {
    const count = 100_000;
    const file = join(dir, 'big.html');
    const started = Date.now();
    writeFileSync(file, renderTraceHtml(bigTraceJsonl(count), { title: 'big.jsonl' }));
    const writeMs = Date.now() - started;

    const watched = await browser.page();
    const { page } = watched;
    const opened = Date.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.querySelector('.stat-spans')?.textContent === '100000 spans', undefined, { timeout: 60_000 });
    const renderMs = Date.now() - opened;
    const rowsInDom = (): Promise<number> => page.$$eval('.span-row', (rows) => rows.length);
    const firstWindow = await rowsInDom();
    expect(firstWindow).toBeGreaterThan(10);
    expect(firstWindow).toBeLessThan(100);
    expect(await page.$eval('.virtual-spacer', (spacer) => spacer.getBoundingClientRect().height)).toBe(count * ROW_HEIGHT);
    expect(await page.textContent('.stat-errors')).toBe('100 errors');
    await watched.screenshot('html-100k-top');

    // Jump to the middle: the rows there are drawn, and still only a window of them.
    const scrolled = Date.now();
    await page.$eval('.span-viewport', (viewport, top) => viewport.scrollTo({ top }), 50_000 * ROW_HEIGHT);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.span-row')].some((row) => Number(row.dataset.index) === 50_000));
    const scrollMs = Date.now() - scrolled;
    const middle = await page.$$eval('.span-row', (rows) => rows.map((row) => Number((row as HTMLElement).dataset.index)));
    expect(Math.min(...middle)).toBeGreaterThan(49_900);
    expect(Math.max(...middle)).toBeLessThan(50_100);
    expect(middle.length).toBeLessThan(100);
    await watched.screenshot('html-100k-middle');

    // The keyboard reaches the last span; the next error is found across the whole trace.
    await page.focus('.span-viewport');
    const keyed = Date.now();
    await page.keyboard.press('End');
    await page.waitForSelector('.span-row.selected[data-index="99999"]');
    const endMs = Date.now() - keyed;
    await page.keyboard.press('Home');
    await page.keyboard.press('e');
    expect(await page.textContent('.detail-title')).toMatch(/^item\.\d+$/);
    expect(await page.textContent('.detail-status')).toMatch(/^✗ error: item \d+ failed$/);
    expect(await rowsInDom()).toBeLessThan(100);

    const folded = Date.now();
    await page.click('text=Collapse all');
    await page.waitForFunction(() => document.querySelectorAll('.span-row').length === 1);
    await page.click('text=Expand all');
    await page.waitForFunction(() => document.querySelector('.virtual-spacer')!.getBoundingClientRect().height === 100_000 * 26);
    const foldMs = Date.now() - folded;
    expect(watched.errors).toEqual([]);

    const figures = {
      spans: count,
      htmlBytes: (await import('node:fs')).statSync(file).size,
      writeMs,
      renderMs,
      rowsInDom: firstWindow,
      scrollToMiddleMs: scrollMs,
      keyEndMs: endMs,
      collapseAndExpandAllMs: foldMs,
    };
    writeFileSync(join(ARTIFACTS, 'viewer-100k-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`viewer, 100,000 spans: ${JSON.stringify(figures)}`);
  });
});
