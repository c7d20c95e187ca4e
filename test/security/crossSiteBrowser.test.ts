/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findViewerDir } from '@aitrace/server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { logLine, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { jsonl, startTestServer, type TestServer } from '../server/harness.js';

const SECRET = 'SECRET-browser-5512';
const TRACE = traceIdOf(0xb0b);
const FORGED = traceIdOf(0xf0f9);
const REBOUND = 'rebind.aitrace.test';

/** What the attacker's page does to the server at `target`: the requests a page may send across origins unasked. */
const ATTACK = (target: string, record: string): string => `<!doctype html><meta charset="utf-8"><title>attacker</title>
<iframe name="sink"></iframe>
<form id="form" method="POST" action="${target}api/ingest" enctype="text/plain" target="sink"><input name='${record.slice(0, -2)}' value='${record.slice(-2)}'></form>
<script>
  const body = ${JSON.stringify(`${record}\n`)};
  fetch('${target}api/ingest', { method: 'POST', mode: 'no-cors', body });
  fetch('${target}api/ingest', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
  navigator.sendBeacon('${target}api/ingest', new Blob([body], { type: 'text/plain' }));
  document.getElementById('form').submit();
</script>`;

/** A page on another origin, served by a server of its own. */
async function attackerServer(html: () => string): Promise<{ server: Server; port: number }> {
  const server = createServer((_, response) => response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** The statuses of the answers the page got from `origin`, by path, as the browser saw them. */
function answersFrom(page: Page, origin: string): Array<{ method: string; path: string; status: number }> {
  const answers: Array<{ method: string; path: string; status: number }> = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin === origin) answers.push({ method: response.request().method(), path: url.pathname, status: response.status() });
  });
  return answers;
}

describe('a token-less server against web pages of other origins, in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const attackers: Server[] = [];

  beforeAll(async () => {
    server = await startTestServer({ viewerDir: findViewerDir() ?? null });
    const seeded = await server.request('/api/ingest', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: jsonl(spanLines({ trace: TRACE, span: spanIdOf(1), name: 'checkout', startMs: 0, endMs: 5, attrs: { card: SECRET } })),
    });
    expect(seeded.status).toBe(200);
    browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`] });
  });
  afterAll(async () => {
    await browser?.close();
    for (const attacker of attackers) attacker.close();
    await server?.stop();
  });

  const forgedStored = async (): Promise<number> => (await server.store.getTraceRecords(FORGED)).length;

  it('stores nothing from simple cross-origin POSTs (fetch no-cors, sendBeacon, a text/plain form)', async () => {
    const record = logLine('forged.from.page', 1, { trace: FORGED });
    const target = `http://127.0.0.1:${server.port}/`;
    const attacker = await attackerServer(() => ATTACK(target, record));
    attackers.push(attacker.server);
    // localhost:Q is another site than 127.0.0.1:P; 127.0.0.1:Q is the same site on another port.
    for (const origin of [`http://localhost:${attacker.port}`, `http://127.0.0.1:${attacker.port}`]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const answers = answersFrom(page, `http://127.0.0.1:${server.port}`);
      await page.goto(`${origin}/attack.html`);
      // The four POSTs reach the server, which refuses each (the browser shows its status).
      await expect.poll(() => answers.filter((a) => a.method === 'POST').length, { timeout: 15_000 }).toBe(4);
      expect(
        answers.map((a) => a.status),
        origin,
      ).toEqual(answers.map(() => 403));
      await context.close();
    }
    expect(await forgedStored()).toBe(0);
  });

  it('answers a DNS-rebound page 403 on every read and write, so it reads no trace and exports none', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The attacker's name now resolves to 127.0.0.1 (Chromium's resolver is told so), and its page, loaded from
    // that name before, runs with that name's origin: the server's 403 page stands in for it.
    const loaded = await page.goto(`http://${REBOUND}:${server.port}/attack.html`);
    expect(loaded?.status()).toBe(403);
    const results = await page.evaluate(
      async ({ trace, record }) => {
        const requests: Array<[string, RequestInit?]> = [
          ['/api/traces'],
          [`/api/traces/${trace}`],
          [`/api/traces/${trace}?format=jsonl`],
          ['/api/stats'],
          ['/', {}],
          ['/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: `${record}\n` }],
        ];
        return Promise.all(
          requests.map(async ([path, init]) => {
            const response = await fetch(path, init);
            return { path, status: response.status, body: await response.text() };
          }),
        );
      },
      { trace: TRACE, record: logLine('forged.rebound', 1, { trace: FORGED }) },
    );
    for (const result of results) {
      expect(result.status, result.path).toBe(403);
      expect(result.body, result.path).toContain(`does not answer to the Host \\"${REBOUND}:${server.port}\\"`);
      expect(result.body, result.path).not.toContain(SECRET);
    }
    await context.close();
    expect(await forgedStored()).toBe(0);
  });

  it('keeps working for the viewer it serves, on 127.0.0.1 and localhost, live updates included', async () => {
    for (const base of [`http://127.0.0.1:${server.port}/`, `http://localhost:${server.port}/`]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(base);
      await page.waitForSelector('.trace-row');
      expect(await page.$$eval('.trace-row .root-name', (names) => names.map((name) => name.textContent))).toContain('checkout');
      const rows = await page.$$eval('.trace-row', (found) => found.length);
      // A trace stored now reaches the open list over the event stream.
      const live = traceIdOf(0x11fe + rows);
      const stored = await server.request('/api/ingest', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson' },
        body: jsonl(spanLines({ trace: live, span: spanIdOf(2), name: `live.${rows}`, startMs: 10, endMs: 12 })),
      });
      expect(stored.status).toBe(200);
      await page.waitForFunction((count) => document.querySelectorAll('.trace-row').length === count, rows + 1);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
