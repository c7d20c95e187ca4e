import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../../scripts/ensure-chromium.mjs';
import { freePort } from '../src/freePort.js';

// A plain workbench: no welcome page, chat panel, trust prompt or update checks in the way of the test.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  // A click selects a row without also collapsing it, so selecting and expanding are separate test steps.
  'workbench.tree.expandMode': 'doubleClick',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'aitrace.pollInterval': 200,
};

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: run this test through "pnpm test:vscode" (scripts/test-vscode.mjs)`);
  return value;
}

/** code-server with the packaged extension installed, and a Chromium page showing it. */
export class CodeServerHost {
  private server: ChildProcess | undefined;
  private browser: Browser | undefined;
  private output = '';
  /** The workbench page. */
  page!: Page;

  private constructor(private readonly dir: string) {}

  /** Installs the .vsix into a fresh profile under `dir`, starts code-server on a loopback port and opens `folder`. */
  static async start(dir: string, folder: string): Promise<CodeServerHost> {
    const host = new CodeServerHost(dir);
    await host.launch(folder);
    return host;
  }

  /** What code-server printed, for failure messages. */
  get log(): string {
    return this.output;
  }

  private async launch(folder: string): Promise<void> {
    const node = required('AITRACE_CODE_SERVER_NODE');
    const entry = required('AITRACE_CODE_SERVER_ENTRY');
    const userData = join(this.dir, 'user-data');
    const extensions = join(this.dir, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const config = join(this.dir, 'config.yaml');
    writeFileSync(config, 'auth: none\n');
    const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
    execFileSync(node, [entry, ...common, '--install-extension', required('AITRACE_VSIX')], { stdio: 'pipe' });

    const port = await freePort();
    const server = spawn(
      node,
      [
        entry,
        ...common,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (this.output.includes('HTTP server listening')) resolve();
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.once('exit', (code) => reject(new Error(`code-server exited with code ${code}:\n${this.output}`)));
    });

    this.browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS] });
    this.page = await this.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await this.page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  }

  /** Runs a command by its title through the command palette. */
  async runCommand(title: string): Promise<void> {
    const { page } = this;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
  }

  /** Saves a screenshot, for looking at a failure. */
  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path }).catch(() => undefined);
  }

  /** Closes the browser and stops code-server. */
  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.server !== undefined && this.server.exitCode === null) {
      const exited = new Promise((resolve) => this.server?.once('exit', resolve));
      this.server.kill('SIGTERM');
      await exited;
    }
  }
}
