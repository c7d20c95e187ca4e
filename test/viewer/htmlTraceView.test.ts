/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/runCli.js';
import { ViewerBrowser } from './browser.js';

const agent = fileURLToPath(new URL('../../examples/agent/agent.mjs', import.meta.url));
const HOSTILE_NOTE = `<script>alert(1)</script><img src=x onerror=alert(2)> \u001b]8;;http://x\u0007link ${'long '.repeat(200)}the-end`;

describe('an `aitrace html` file of the agent example keeps what applies offline', () => {
  let dir: string;
  let browser: ViewerBrowser;
  let html: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-html-trace-view-'));
    const jsonl = join(dir, 'agent.jsonl');
    // The example itself: the real openai client and instrumentation, against the local model server it starts.
    await promisify(execFile)(process.execPath, [agent, jsonl, '--fresh', '--note', HOSTILE_NOTE], { cwd: join(agent, '..'), timeout: 60_000 });
    html = join(dir, 'agent.html');
    const cli = runCli(['html', jsonl, '-o', html]);
    expect(cli.code, cli.stderr).toBe(0);
    browser = await ViewerBrowser.launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows token badges, event and log markers, the critical path and the conversation, with no network', async () => {
    const watched = await browser.page({ height: 900 });
    const { page } = watched;
    await page.goto(pathToFileURL(html).href);
    // One trace: the file opens on it.
    await page.waitForSelector('.stat-tokens');
    expect(await page.textContent('.stat-tokens')).toMatch(/^∑ [\d,]+ tok$/);
    expect(await page.$$('.span-row .token-badge.token-own')).toHaveLength(2);

    // The failing tool's warning log and its exception are on its bar (one marker when they are close in time).
    const failedTool = page
      .locator('.span-row.state-error', { has: page.locator('.span-label', { hasText: /^execute_tool search_docs$/ }) })
      .locator('.span-marker');
    const markers = await failedTool.evaluateAll((dots) => dots.map((dot) => [dot.className, dot.getAttribute('title')]));
    // The log and the exception land within a millisecond, below what the two clocks (the span's, the log's) order reliably.
    const titles = markers.map(([, title]) => title).join('\n');
    expect(titles).toMatch(/ warn tool_failed(\n|$)/);
    expect(titles).toMatch(/ event exception(\n|$)/);
    expect(markers.some(([className]) => className === 'span-marker marker-exception')).toBe(true);
    const exception = page.locator('.span-row', { has: page.locator('.span-label', { hasText: /^send_email$/ }) }).locator('.span-marker.marker-exception');
    await exception.click();
    expect(await page.textContent('.record.focused .record-event')).toBe('exception');

    await page.click('.critical-toggle');
    expect(await page.$$eval('.span-row.critical .span-label', (labels) => labels[0]?.textContent)).toBe('invoke_agent research-agent');
    // The agent works step by step, each awaited before the next: every step under the root is on the path. (Below
    // them, which of two spans that start within microseconds of each other comes first is up to the clocks.)
    const steps = await page.$$eval('.span-row[aria-level="2"]', (rows) => rows.map((row) => row.classList.contains('critical')));
    expect(steps.length).toBeGreaterThan(3);
    expect(steps.every(Boolean)).toBe(true);

    await page
      .locator('.span-row', { has: page.locator('.token-own') })
      .first()
      .click();
    await page.waitForSelector('.message.role-user');
    const text = page.locator('.message.role-user .message-text');
    expect(await text.textContent()).toContain('<script>alert(1)</script><img src=x onerror=alert(2)> \\u001b]8;;http://x\\u0007link long');
    expect(await text.textContent()).not.toContain('the-end');
    await page.click('.message.role-user .fold-toggle');
    expect(await text.textContent()).toMatch(/the-end$/);
    expect(await page.$$eval('.span-detail img, .span-detail script', (found) => found.length)).toBe(0);
    await watched.screenshot('html-genai-trace');

    expect(watched.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    expect(watched.dialogs).toEqual([]);
    expect(watched.cspViolations).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});
