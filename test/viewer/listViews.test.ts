/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanStatusCode } from '@opentelemetry/api';
import type { RunningServer } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewerBrowser, WatchedPage } from './browser.js';
import { fileIngester } from './fileIngester.js';
import { BridgeTrace, HOSTILE } from './otelTrace.js';
import { ViewerHarness } from './viewerHarness.js';

const noHarm = (watched: WatchedPage): void => {
  expect(watched.dialogs).toEqual([]);
  expect(watched.errors).toEqual([]);
  expect(watched.cspViolations).toEqual([]);
};

describe('the logs, live stream and trace-list analysis views, in headless Chromium', () => {
  let harness: ViewerHarness;
  let server: RunningServer;
  let browser: ViewerBrowser;
  let bridge: BridgeTrace;
  let ingest: () => Promise<void>;

  beforeAll(async () => {
    harness = await ViewerHarness.start('lists');
    ({ server, browser } = harness);
    bridge = new BridgeTrace(join(harness.dir, 'app.jsonl'));
    ingest = fileIngester(bridge.file, () => server);
  });

  afterAll(async () => {
    await bridge?.close();
    await harness?.close();
  });

  /** A finished span with a set start and duration, and a child, so the list has durations to sort and plot. */
  function timedTrace(name: string, startMs: number, durationMs: number, failed = false): string {
    const root = bridge.tracer.startSpan(name, { startTime: startMs, attributes: { 'run.kind': name, suite: name.endsWith('.call') ? 'calls' : 'batches' } });
    bridge.within(root, () => {
      const child = bridge.tracer.startSpan(`${name}.step`, { startTime: startMs + 1 });
      if (failed) child.setStatus({ code: SpanStatusCode.ERROR, message: 'step failed' });
      child.end(startMs + durationMs - 1);
    });
    root.end(startMs + durationMs);
    return root.spanContext().traceId;
  }

  it('shows logs in traces and outside any, with level colours, expandable fields, hostile text as text and a link to the span', async () => {
    bridge.logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'listening', attributes: { port: 4000, address: '127.0.0.1' } });
    const ids = bridge.checkout('L-1');
    const root = bridge.tracer.startSpan('import.batch');
    bridge.within(root, () =>
      bridge.logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: HOSTILE, attributes: { note: HOSTILE, rows: 3 } }),
    );
    root.end();
    await bridge.flush();
    await ingest();

    const watched = await browser.page();
    const { page } = watched;
    await page.goto(`${server.url}#/logs`);
    await page.waitForSelector('.log-row');
    const messages = await page.$$eval('.log-row .log-message', (cells) => cells.map((cell) => cell.textContent));
    expect(messages).toEqual([HOSTILE, 'cart.loaded', 'listening']);
    expect(await page.getAttribute('.log-row >> nth=0', 'class')).toContain('level-warn');
    expect(await page.getAttribute('.log-row >> nth=2', 'class')).toContain('level-info');
    // pino-style `listening` belongs to no trace, and says so when expanded.
    const listening = page.locator('.log-row', { has: page.locator('.log-message', { hasText: /^listening$/ }) });
    expect(await listening.locator('.log-span-link').count()).toBe(0);
    await listening.locator('summary').click();
    expect(await listening.locator('.facts').textContent()).toContain('none (outside any trace)');
    expect(await listening.locator('.attr-table').textContent()).toContain('127.0.0.1');
    // The hostile message and field are text; nothing ran and no element was made from them.
    const hostile = page.locator('.log-row >> nth=0');
    await hostile.locator('summary').click();
    expect(
      await hostile
        .locator('.attr-table tr', { has: page.locator('th', { hasText: /^note$/ }) })
        .locator('.value')
        .textContent(),
    ).toBe(HOSTILE);
    expect(await page.$$eval('img', (images) => images.length)).toBe(0);
    await watched.screenshot('logs-view');

    // Facets: the least-level dropdown counts logs at and above each level, and filters through the URL.
    const levelOptions = await page.$$eval('.filter-level option', (options) => options.map((option) => option.textContent));
    expect(levelOptions).toEqual(['any level', 'info and above (2)', 'warn and above (1)']);
    await page.selectOption('.filter-level', 'warn');
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 1);
    expect(page.url()).toContain('#/logs?level=warn');

    // The link from a log opens its span in the trace view.
    await page.goto(`${server.url}#/logs?q=cart`);
    await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 1);
    await page.click('.log-span-link');
    await page.waitForSelector('.span-row.selected');
    expect(page.url()).toContain(`#/trace/${ids.traceId}/span/${ids.stockId}`);
    expect(await page.textContent('.span-row.selected .span-label')).toBe('reserve.stock');
    noHarm(watched);
  });

  it('streams spans starting and ending and logs live across traces, filters them, and pauses with a backlog count', async () => {
    const watched = await browser.page();
    const { page } = watched;
    await page.goto(`${server.url}#/stream`);
    await page.waitForSelector('.connection.connected');
    const kinds = (): Promise<string[]> =>
      page.$$eval('.stream-row', (rows) =>
        rows
          .sort((a, b) => Number((a as HTMLElement).dataset.index) - Number((b as HTMLElement).dataset.index))
          .map((row) => `${row.querySelector('.stream-kind')!.textContent} ${row.querySelector('.stream-what')!.textContent}`),
      );

    const job = bridge.tracer.startSpan('nightly.job');
    await bridge.flush();
    await ingest();
    await expect.poll(kinds).toEqual(['▶ start nightly.job']);
    bridge.logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'disk almost full', attributes: { free: '1%' } });
    const hostile = bridge.within(job, () => bridge.tracer.startSpan(HOSTILE));
    hostile.end();
    job.end();
    await bridge.flush();
    await ingest();
    // The SDK's clocks (Date.now for logs, anchored performance.now for spans) disagree by a few ms: only a span's start before its end is certain.
    await expect.poll(async () => (await kinds()).length).toBe(5);
    const lines = await kinds();
    expect([...lines].sort()).toEqual([`▶ start ${HOSTILE}`, '▶ start nightly.job', `■ end ${HOSTILE}`, '■ end nightly.job', 'error disk almost full'].sort());
    expect(lines.indexOf(`▶ start ${HOSTILE}`)).toBeLessThan(lines.indexOf(`■ end ${HOSTILE}`));
    expect(lines[0]).toBe('▶ start nightly.job');
    expect(await page.$$eval('img', (images) => images.length)).toBe(0);
    expect(await page.getAttribute('.stream-row.level-error', 'class')).toContain('failed');
    await watched.screenshot('stream-live');

    // Paused: new lines wait in a backlog whose size is shown; resuming shows them.
    await page.click('.stream-pause');
    bridge.checkout('S-1');
    await bridge.flush();
    await ingest();
    await expect.poll(() => page.textContent('.stream-backlog')).toMatch(/^paused · \d+ new lines waiting$/);
    expect(await kinds()).toHaveLength(5);
    await watched.screenshot('stream-paused');
    await page.click('.stream-pause');
    await expect.poll(async () => (await kinds()).length).toBeGreaterThan(5);
    expect(await page.textContent('.stream-backlog')).toBe('');

    // The trace list's query syntax filters the stream (here through the URL, as a permalink would).
    await page.fill('.filter-q', 'disk');
    await page.press('.filter-q', 'Enter');
    await expect.poll(kinds).toEqual(['error disk almost full']);
    expect(page.url()).toContain('#/stream?q=disk');
    await page.fill('.filter-q', '');
    await page.fill('.filter-attrs', 'order.id=S-1');
    await page.press('.filter-attrs', 'Enter');
    await expect.poll(kinds).toEqual(['▶ start checkout', '■ end checkout']);

    // A line opens its span; going back finds the stream with its lines.
    await page.click('.stream-row >> nth=0');
    await page.waitForSelector('.span-row.selected');
    await page.goBack();
    await page.waitForSelector('.stream-row');
    expect(await kinds()).toEqual(['▶ start checkout', '■ end checkout']);
    noHarm(watched);
  });

  it('plots durations, sorts by duration, spans and errors on the server, and cuts the list by time range and facets', async () => {
    const now = Date.now();
    const old = timedTrace('old.batch', now - 2 * 3600_000, 900);
    const fast = timedTrace('fast.call', now - 60_000, 20);
    const slow = timedTrace('slow.call', now - 40_000, 700);
    const failing = timedTrace('failing.call', now - 20_000, 300, true);
    await bridge.flush();
    await ingest();

    const watched = await browser.page();
    const { page } = watched;
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}#/?attr=suite%3Dcalls`);
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 3);
    expect(await page.$$eval('.scatter-point', (points) => points.length)).toBe(3);
    expect(await page.$$eval('.scatter-point.scatter-error', (points) => points.map((point) => (point as HTMLElement).dataset.traceId))).toEqual([failing]);
    await watched.screenshot('trace-list-scatter');

    const rowIds = (): Promise<string[]> => page.$$eval('.trace-row', (rows) => rows.map((row) => (row as HTMLElement).dataset.traceId!));
    await page.click('button[data-sort="duration"]');
    await expect.poll(rowIds).toEqual([slow, failing, fast]);
    expect(page.url()).toContain('sort=duration');
    await page.click('button[data-sort="duration"]');
    await expect.poll(rowIds).toEqual([fast, failing, slow]);
    expect(page.url()).toContain('order=asc');
    await page.click('button[data-sort="errors"]');
    await expect.poll(async () => (await rowIds())[0]).toBe(failing);

    // Facets come with counts from the query API and filter through the URL.
    expect(await page.$$eval('.filter-name option', (options) => options.map((option) => option.textContent))).toContain('slow.call (1)');
    expect(await page.$$eval('.filter-status option', (options) => options.map((option) => option.textContent))).toEqual([
      'any status',
      'ok (2)',
      'with errors (1)',
    ]);
    await page.selectOption('.filter-status', 'error');
    await expect.poll(rowIds).toEqual([failing]);
    await page.selectOption('.filter-status', '');
    await expect.poll(async () => (await rowIds()).length).toBe(3);

    // The range picker: the last 5 minutes leave out the old trace, all time brings it back.
    await page.goto(`${server.url}#/?attr=run.kind%3Dold.batch`);
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    await page.selectOption('.range-select', '5m');
    await page.waitForFunction(() => document.querySelector('.list-message')?.textContent === 'No traces match these filters.');
    expect(page.url()).toContain('range=5m');
    await page.selectOption('.range-select', 'all');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(await rowIds()).toEqual([old]);

    // A drag across the plot selects a time range into the URL; a click on a dot opens its trace.
    await page.goto(`${server.url}#/?attr=suite%3Dcalls`);
    await page.waitForFunction(() => document.querySelectorAll('.scatter-point').length === 3);
    const dot = async (traceId: string): Promise<{ x: number; y: number }> => {
      const box = (await page.locator(`.scatter-point[data-trace-id="${traceId}"]`).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const [a, b] = [await dot(slow), await dot(failing)];
    await page.mouse.move(a.x - 6, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x + 6, b.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes('from='));
    await expect.poll(async () => (await rowIds()).sort()).toEqual([slow, failing].sort());
    expect(await page.inputValue('.range-select')).toBe('custom');
    await watched.screenshot('trace-list-range');
    const target = await dot(failing);
    await page.mouse.click(target.x, target.y);
    await page.waitForSelector('.span-row');
    expect(page.url()).toContain(`#/trace/${failing}`);
    noHarm(watched);
  });

  it('shows token totals per trace, and filters by model and by conversation', async () => {
    const chat = (model: string, conversation: string, input: number, output: number): string => {
      const root = bridge.tracer.startSpan('agent.turn', {
        attributes: { suite: 'genai', 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': conversation },
      });
      bridge.within(root, () => {
        const call = bridge.tracer.startSpan(`chat ${model}`, {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': model,
            'gen_ai.usage.input_tokens': input,
            'gen_ai.usage.output_tokens': output,
            'gen_ai.conversation.id': conversation,
          },
        });
        call.end();
      });
      root.end();
      return root.spanContext().traceId;
    };
    const small = chat('small-1', 'conv-a', 120, 30);
    const big = chat('big-2', 'conv-b', 1000, 200);
    await bridge.flush();
    await ingest();

    const watched = await browser.page();
    const { page } = watched;
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}#/?attr=suite%3Dgenai`);
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 2);
    const tokens = (): Promise<Record<string, string>> =>
      page.$$eval('.trace-row', (rows) =>
        Object.fromEntries(rows.map((row) => [(row as HTMLElement).dataset.traceId!, row.querySelector('.tokens')!.textContent!])),
      );
    expect(await tokens()).toEqual({ [small]: '∑ 150', [big]: '∑ 1,200' });
    expect(await page.getAttribute(`.trace-row[data-trace-id="${big}"] .tokens`, 'title')).toBe('1,000 input · 200 output tokens · big-2');
    await page.waitForFunction(() => !(document.querySelector('.filter-model') as HTMLSelectElement).hidden);
    expect(await page.$$eval('.filter-model option', (options) => options.map((option) => option.textContent))).toEqual([
      'any model',
      'big-2 (1)',
      'small-1 (1)',
    ]);
    await watched.screenshot('trace-list-genai');

    await page.selectOption('.filter-model', 'small-1');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(page.url()).toContain('model=small-1');
    expect(Object.keys(await tokens())).toEqual([small]);

    await page.goto(`${server.url}#/?attr=suite%3Dgenai`);
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 2);
    await page.click(`.trace-row[data-trace-id="${big}"] .conversation-link`);
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(page.url()).toContain('conversation=conv-b');
    expect(await page.inputValue('.filter-conversation')).toBe('conv-b');
    expect(Object.keys(await tokens())).toEqual([big]);
    noHarm(watched);
  });
});
