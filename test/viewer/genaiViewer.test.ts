/// <reference lib="dom" />
// The callbacks given to page.evaluate and friends run in the browser.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSpanForest, genAiView, readJsonl, traceTokens, walkSpans, type SpanNode } from '@aitrace/forest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedPage } from './browser.js';
import { ViewerHarness } from './viewerHarness.js';

const agent = fileURLToPath(new URL('../../examples/agent/agent.mjs', import.meta.url));
/** Message content that must show as text: markup, a script, terminal escapes, a bidi override; long enough to fold. */
const HOSTILE_NOTE = `<img src=x onerror=alert(1)><script>alert(2)</script> \u001b[31mred\u0007 \u202eevil ${'padding '.repeat(120)}end-of-note`;

describe('the GenAI trace of the agent example in the web viewer, in headless Chromium', () => {
  let harness: ViewerHarness;
  let traceId: string;
  let spans: SpanNode[];

  beforeAll(async () => {
    harness = await ViewerHarness.start('genai-viewer');
    const file = join(harness.dir, 'agent.jsonl');
    // The example itself: the real openai client and instrumentation, against the local model server it starts.
    await promisify(execFile)(process.execPath, [agent, file, '--fresh', '--note', HOSTILE_NOTE], { cwd: join(agent, '..'), timeout: 60_000 });
    const text = readFileSync(file, 'utf8');
    const forest = buildSpanForest(readJsonl(text).records.map((item) => item.record));
    traceId = forest.traces[0]!.traceId;
    spans = [];
    walkSpans(forest.traces[0]!.roots, (node) => void spans.push(node));
    expect(traceTokens(forest.traces[0]!).calls).toBeGreaterThanOrEqual(2);
    await harness.ingest(text);
  }, 120_000);

  afterAll(() => harness?.close());

  const row = (page: Page, name: string) => page.locator('.span-row', { has: page.locator('.span-label', { hasText: new RegExp(`^${name}$`) }) });
  const chats = (): SpanNode[] => spans.filter((node) => node.attrs['gen_ai.operation.name'] === 'chat');

  async function openTrace(): Promise<WatchedPage> {
    const watched = await harness.browser.page({ height: 900 });
    await watched.page.goto(`${harness.server.url}#/trace/${traceId}`);
    await watched.page.waitForSelector('.stat-tokens');
    return watched;
  }

  it('puts token badges on each LLM span, a ∑ on the spans above them and on the trace', async () => {
    const watched = await openTrace();
    const { page } = watched;
    const [first] = chats();
    const usage = genAiView(first!)!.usage;
    const badges = await page.$$eval('.span-row .token-badge.token-own', (elements) => elements.map((element) => element.textContent));
    expect(badges).toHaveLength(chats().length);
    expect(badges[0]).toBe(`${usage.input} in · ${usage.output} out`);
    const totals = chats().reduce((sum, chat) => sum + Number(chat.attrs['gen_ai.usage.input_tokens']) + Number(chat.attrs['gen_ai.usage.output_tokens']), 0);
    expect(await page.textContent('.stat-tokens')).toBe(`∑ ${totals.toLocaleString('en-US')} tok`);
    expect(await row(page, 'invoke_agent research-agent').locator('.token-badge').textContent()).toBe(`∑ ${totals.toLocaleString('en-US')} tok`);
    expect(await row(page, 'invoke_agent research-agent').locator('.token-badge').getAttribute('title')).toContain(`${chats().length} model calls`);
    await watched.screenshot('genai-badges');

    // The agent span's details sum the calls below it; a model call's own details do not repeat its counts as a ∑.
    await row(page, 'invoke_agent research-agent').click();
    expect(await page.textContent('.genai-subtree-tokens')).toMatch(new RegExp(`^${chats().length} model calls: `));
    expect(await page.textContent('.span-detail .detail-status')).toContain('unset');
    await page
      .locator('.span-row', { has: page.locator('.token-own') })
      .first()
      .click();
    await page.waitForSelector('.genai-tokens');
    expect(await page.textContent('.genai-tokens')).toBe(`${usage.input} input, ${usage.output} output`);
    expect(await page.$$('.genai-subtree-tokens')).toHaveLength(0);

    // The trace info sums them in words.
    await page.click('text=Trace info');
    expect(await page.textContent('.trace-tokens')).toMatch(new RegExp(`^${chats().length} model calls: [\\d,]+ input, [\\d,]+ output`));
    expect(watched.errors).toEqual([]);
  });

  it('shows the conversation of a chat span as text, folded when long, with tool calls, results, model and finish reason', async () => {
    const watched = await openTrace();
    const { page } = watched;
    const chatRows = page.locator('.span-row', { has: page.locator('.token-own') });
    await chatRows.nth(0).click();
    await page.waitForSelector('.conversation');
    const fact = (name: string) => page.locator('.span-detail dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]');
    expect(await fact('model').textContent()).toBe('gpt-4o-mini → gpt-4o-mini-local');
    expect(await fact('finish').textContent()).toBe('tool_calls');
    expect(await fact('operation').textContent()).toBe('chat');
    expect(await page.$$eval('.message .message-role', (roles) => roles.map((role) => role.textContent))).toEqual(['system', 'user', 'assistant']);
    expect(await page.$$eval('.message.role-assistant .tool-name', (names) => names.map((name) => name.textContent))).toEqual([
      'search_docs',
      'search_docs',
      'search_docs',
    ]);
    expect(await page.textContent('.message.role-assistant .tool-call .tool-arguments')).toBe('{\n  "topic": "tracing"\n}');

    // The user's long, hostile message: folded with its length, then shown whole, all as text.
    const user = page.locator('.message.role-user');
    const text = user.locator('.message-text');
    expect(await text.textContent()).toMatch(
      /^Explain trace files: look up \[tracing\], \[jsonl\] and \[quantum\]\. <img src=x onerror=alert\(1\)><script>alert\(2\)<\/script> \\u001b\[31mred\\u0007 \\u202eevil padding .*…$/s,
    );
    expect(await text.textContent()).not.toContain('end-of-note');
    const length = (await page.textContent('.message.role-user .fold-length'))!;
    expect(length).toMatch(/^[\d,]+ characters$/);
    await watched.screenshot('genai-conversation-folded');
    await user.locator('.fold-toggle').click();
    expect(await text.textContent()).toMatch(/end-of-note$/);
    expect(await user.locator('.fold-toggle').textContent()).toBe('Show less');
    expect(await page.$$eval('.span-detail img, .span-detail script', (found) => found.length)).toBe(0);
    await watched.screenshot('genai-conversation-open');

    // The second call: tool results sent back, and the streamed answer with its finish reason.
    await chatRows.nth(1).click();
    await page.waitForFunction(() => document.querySelectorAll('.message.role-tool').length === 3);
    expect(await page.$$eval('.message.role-tool .tool-id', (ids) => ids.map((id) => id.textContent))).toEqual(['call_1', 'call_2', 'call_3']);
    expect(await page.textContent('.message.role-tool .tool-output')).toBe('Spans record operations; a trace is a tree of spans.');
    expect(await page.textContent('.message.output .message-finish')).toBe('finish: stop');
    expect(await page.textContent('.message.output .message-text')).toContain('JSON Lines stores one JSON object per line.');
    expect(await fact('finish').textContent()).toBe('stop');

    // A tool span shows its arguments and result.
    await row(page, 'execute_tool search_docs').first().click();
    await page.waitForSelector('.conversation .tool-arguments');
    expect(await page.textContent('.conversation .tool-arguments')).toBe('{\n  "topic": "tracing"\n}');
    expect(await page.textContent('.conversation .tool-output')).toBe('Spans record operations; a trace is a tree of spans.');
    await watched.screenshot('genai-tool-span');
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
    expect(watched.cspViolations).toEqual([]);
  });
});
