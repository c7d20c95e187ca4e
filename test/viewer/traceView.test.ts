/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeTrace, HOSTILE } from './otelTrace.js';
import { ViewerHarness } from './viewerHarness.js';

/**
 * A pipeline traced through the real OTel bridge, with fixed times (ms after t0): fetch.b (0-60) and then transform
 * (60-90) decide when the root (0-100) ends; fetch.a (2-30) and audit (10-20) run in their shadow. transform has an
 * event, a warning log and an exception; the root's status is ok, the others' unset, audit failed.
 */
function pipeline(bridge: BridgeTrace, t0: number): { traceId: string } {
  const at = (ms: number): number => t0 + ms;
  const root = bridge.tracer.startSpan('pipeline', { startTime: at(0), attributes: { note: HOSTILE } });
  bridge.within(root, () => {
    bridge.tracer.startSpan('fetch.b', { startTime: at(0) }).end(at(60));
    bridge.tracer.startSpan('fetch.a', { startTime: at(2) }).end(at(30));
    const audit = bridge.tracer.startSpan('audit', { startTime: at(10) });
    audit.setStatus({ code: SpanStatusCode.ERROR, message: 'audit log full' });
    audit.end(at(20));
    const transform = bridge.tracer.startSpan('transform', { startTime: at(60) });
    transform.addEvent('batch.flushed', { rows: 12 }, at(70));
    bridge.within(transform, () =>
      bridge.logger.emit({
        eventName: 'slow.batch',
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        timestamp: at(75),
        attributes: { waited_ms: 40 },
      }),
    );
    transform.addEvent(HOSTILE, {}, at(78));
    transform.recordException(new Error('row 7 rejected'), at(80));
    transform.end(at(90));
  });
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(at(100));
  return { traceId: root.spanContext().traceId };
}

const row = (page: Page, name: string) =>
  page.locator('.span-row', { has: page.locator('.span-label', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) });

describe('the trace view: markers, critical path, resources and status, in headless Chromium', () => {
  let harness: ViewerHarness;
  let traceId: string;

  beforeAll(async () => {
    harness = await ViewerHarness.start('trace-view');
    const bridge = new BridgeTrace(join(harness.dir, 'app.jsonl'));
    ({ traceId } = pipeline(bridge, Date.now() - 10_000));
    await bridge.close();
    await harness.ingest(readFileSync(bridge.file, 'utf8'));
  });

  afterAll(() => harness?.close());

  it('marks span events and logs on the bars; hovering names them, a click opens them in the details', async () => {
    const watched = await harness.browser.page();
    const { page } = watched;
    await page.goto(`${harness.server.url}#/trace/${traceId}`);
    await page.waitForSelector('.span-row >> nth=4');
    const markers = row(page, 'transform').locator('.span-marker');
    expect(await markers.count()).toBe(4);
    expect(await markers.evaluateAll((dots) => dots.map((dot) => dot.className))).toEqual([
      'span-marker marker-event',
      'span-marker marker-warn',
      'span-marker marker-event',
      'span-marker marker-exception',
    ]);
    // Placed at their times: 70, 75, 78 and 80 ms of a 100 ms trace.
    expect(await markers.evaluateAll((dots) => dots.map((dot) => (dot as HTMLElement).style.left))).toEqual(['70%', '75%', '78%', '80%']);
    expect(await markers.nth(0).getAttribute('title')).toMatch(/^\+70\.0ms event batch\.flushed$/);
    expect(await markers.nth(2).getAttribute('title')).toBe(`+78.0ms event ${HOSTILE}`);
    expect(await row(page, 'fetch.a').locator('.span-marker').count()).toBe(0);
    await markers.nth(1).hover();
    await watched.screenshot('trace-markers');

    await markers.nth(1).click();
    await page.waitForSelector('.record.focused');
    expect(await page.textContent('.detail-title')).toBe('transform');
    expect(await page.textContent('.record.focused .record-event')).toBe('slow.batch');
    expect(await page.textContent('.record.focused .record-level')).toBe('warn');
    await markers.nth(3).click();
    expect(await page.textContent('.record.focused .record-event')).toBe('exception');
    expect(await page.textContent('.record.focused')).toContain('row 7 rejected');
    expect(await page.$$eval('img', (images) => images.length)).toBe(0);
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('highlights the critical path on demand, by button and by key', async () => {
    const watched = await harness.browser.page();
    const { page } = watched;
    await page.goto(`${harness.server.url}#/trace/${traceId}`);
    await page.waitForSelector('.span-row >> nth=4');
    expect(await page.$$('.span-row.critical')).toHaveLength(0);
    await page.click('.critical-toggle');
    expect(await page.getAttribute('.critical-toggle', 'aria-pressed')).toBe('true');
    const critical = (): Promise<string[]> => page.$$eval('.span-row.critical .span-label', (labels) => labels.map((label) => label.textContent!));
    expect(await critical()).toEqual(['pipeline', 'fetch.b', 'transform']);
    expect(await page.$$eval('.span-row.off-critical .span-label', (labels) => labels.map((label) => label.textContent))).toEqual(['fetch.a', 'audit']);
    await watched.screenshot('trace-critical-path');
    await page.focus('.span-viewport');
    await page.keyboard.press('c');
    expect(await page.$$('.span-row.critical')).toHaveLength(0);
    expect(await page.getAttribute('.critical-toggle', 'aria-pressed')).toBe('false');
    await page.keyboard.press('c');
    expect(await critical()).toEqual(['pipeline', 'fetch.b', 'transform']);
    expect(watched.errors).toEqual([]);
  });

  it('shows span status as it is, and resource attributes in the trace info and span details', async () => {
    const watched = await harness.browser.page();
    const { page } = watched;
    await page.goto(`${harness.server.url}#/trace/${traceId}`);
    await page.waitForSelector('.span-row >> nth=4');
    expect(await row(page, 'pipeline').getAttribute('class')).toContain('status-ok');
    expect(await row(page, 'pipeline').locator('.state-icon').textContent()).toBe('✓');
    expect(await row(page, 'fetch.b').getAttribute('class')).toContain('status-unset');
    expect(await row(page, 'fetch.b').locator('.state-icon').textContent()).toBe('○');
    expect(await row(page, 'audit').getAttribute('class')).toContain('status-error');
    await row(page, 'fetch.b').click();
    expect(await page.textContent('.detail-status')).toBe('○ unset: the span ended without a status (neither ok nor error was set)');
    await row(page, 'pipeline').click();
    expect(await page.textContent('.detail-status')).toBe('✓ ok');
    const resourceValue = (scope: string, key: string) =>
      page.locator(`${scope} .attr-table tr`, { has: page.locator('th', { hasText: new RegExp(`^${key.replace(/\./g, '\\.')}$`) }) }).locator('.value');
    const spanSection = page.locator('.detail-section', { has: page.locator('h3', { hasText: /^Resource/ }) });
    expect(
      await spanSection
        .locator('tr', { has: page.locator('th', { hasText: /^telemetry\.sdk\.language$/ }) })
        .locator('.value')
        .textContent(),
    ).toBe('nodejs');
    await page.click('text=Trace info');
    expect(await resourceValue('.trace-resource', 'telemetry.sdk.language').textContent()).toBe('nodejs');
    expect(await resourceValue('.trace-resource', 'telemetry.sdk.name').textContent()).toBe('opentelemetry');
    await watched.screenshot('trace-info-resource');
    expect(watched.errors).toEqual([]);
  });
});
