import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endLine, jsonl, startLine, type TestSpan } from '@aitrace/testing';
import { CodeServerHost } from './CodeServerHost.js';

const SOURCE = [
  'export async function handle() {',
  '  const user = await loadUser();',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '  return save(user);',
  '}',
  '',
].join('\n');
// Written by this (live) process, so unfinished spans stay running rather than cut off.
const where = { file: 'src/app.ts', pid: process.pid, attrs: { 'user.id': 42 } };
const ROOT: TestSpan = { span: '00f067aa0ba902b7', name: 'handle request', startMs: 0, line: 1, ...where };
const LOAD: TestSpan = { span: '1111111111111111', name: 'load user', parent: ROOT.span, startMs: 1, line: 2, ...where };
const SAVE: TestSpan = { span: '2222222222222222', name: 'save', parent: ROOT.span, startMs: 5, line: 12, ...where };

describe('the aitrace extension in a real VS Code (code-server)', () => {
  let dir: string;
  let traceFile: string;
  let host: CodeServerHost;

  const row = (label: string): Locator => host.page.locator(`.monaco-list-row[aria-label^="${label}"]`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-vscode-host-'));
    const workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    mkdirSync(join(workspace, 'traces'));
    writeFileSync(join(workspace, 'src', 'app.ts'), SOURCE);
    traceFile = join(workspace, 'traces', 'run.jsonl');
    // A request still in flight: its root and "save" have started, "load user" has finished; line 4 is garbage.
    writeFileSync(traceFile, jsonl(startLine(ROOT), startLine(LOAD), endLine({ ...LOAD, endMs: 4 })) + 'not json\n' + jsonl(startLine(SAVE)));
    host = await CodeServerHost.start(dir, workspace);
  });

  afterAll(async () => {
    if (host !== undefined) {
      // Kept for looking at a failure: the workbench as the last test left it.
      await host.screenshot(join(import.meta.dirname, '..', 'dist', 'host-test-last.png'));
      await host.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the trace file as a tree whose running span turns final as the file grows', async () => {
    const { page } = host;
    await page.locator('.activitybar .action-item a[aria-label^="aitrace"]').click();
    await row('trace file run.jsonl').waitFor({ timeout: 30_000 });
    await expect(row('trace file run.jsonl').getAttribute('aria-label')).resolves.toContain('1 trace');

    // Expand trace → root span: the children are listed with their state.
    await row('trace handle request').locator('.monaco-tl-twistie').click();
    await row('span handle request').locator('.monaco-tl-twistie').click();
    await expect(row('span handle request').getAttribute('aria-label')).resolves.toBe('span handle request, running');
    await row('span load user').waitFor();
    await expect(row('span load user').getAttribute('aria-label')).resolves.toBe('span load user, 3.00ms · ok');
    await expect(row('span save').getAttribute('aria-label')).resolves.toBe('span save, running');

    // The program finishes: its end records are appended while the tree is open.
    appendFileSync(traceFile, jsonl(endLine({ ...SAVE, endMs: 9 }), endLine({ ...ROOT, endMs: 10 })));
    await page.locator('.monaco-list-row[aria-label="span save, 4.00ms · ok"]').waitFor({ timeout: 15_000 });
    await page.locator('.monaco-list-row[aria-label="span handle request, 10.0ms · ok"]').waitFor();

    // Selecting a span shows its details as pretty JSON, now with its end.
    await row('span handle request').click();
    // The editor renders spaces as no-break spaces.
    const details = async (): Promise<string> =>
      (await page.locator('.editor-group-container .monaco-editor .view-lines').first().innerText()).replaceAll('\u00a0', ' ');
    await page.locator('.tab.active[aria-label^="handle_request.json"]').waitFor({ timeout: 15_000 });
    await expect.poll(details, { timeout: 15_000 }).toContain('"state": "ok"');
    expect(await details()).toContain('"user.id": 42');
  });

  it("goes to the span's source file and line", async () => {
    const { page } = host;
    await row('span save').click();
    await host.runCommand('aitrace: Go to Source');
    await page.locator('.tab.active[aria-label^="app.ts"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#status\\.editor\\.selection').innerText(), { timeout: 10_000 }).toMatch(/Ln 12, Col 1/);
  });

  it('marks a span cut off when the process writing it dies', async () => {
    const writer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    const span: TestSpan = { span: '3333333333333333', name: 'doomed job', trace: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', startMs: 50, pid: writer.pid! };
    writeFileSync(join(dir, 'workspace', 'traces', 'crash.jsonl'), jsonl(startLine(span)));
    await row('trace file crash.jsonl').waitFor({ timeout: 15_000 });
    await row('trace doomed job').locator('.monaco-tl-twistie').click();
    await host.page.locator('.monaco-list-row[aria-label="span doomed job, running"]').waitFor();
    writer.kill('SIGKILL');
    await once(writer, 'exit');
    await host.page.locator('.monaco-list-row[aria-label="span doomed job, cut off"]').waitFor({ timeout: 15_000 });
  });

  it('lists the bad line in the Problems panel with its line number', async () => {
    const { page } = host;
    await host.runCommand('View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'invalid JSON' });
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.innerText()).toContain('[Ln 4');
  });
});
