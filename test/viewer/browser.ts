import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/ensure-chromium.mjs';

/** Where screenshots and measured figures go (git ignores it). */
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** A page that records what must never happen in the viewer: dialogs, script errors, CSP violations. */
export interface WatchedPage {
  page: Page;
  /** Messages of alert/confirm/prompt dialogs that opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** Console messages about the Content-Security-Policy (a blocked script or style). */
  cspViolations: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** Saves a screenshot under ARTIFACTS as `<name>.png`. */
  screenshot(name: string): Promise<void>;
}

/** Headless Debian Chromium through playwright-core (never a downloaded browser). */
export class ViewerBrowser {
  private constructor(private readonly browser: Browser) {}

  /** Starts Chromium. */
  static async launch(): Promise<ViewerBrowser> {
    mkdirSync(ARTIFACTS, { recursive: true });
    return new ViewerBrowser(await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS] }));
  }

  /** A fresh page (its own context: no storage shared with other pages). */
  async page(options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<WatchedPage> {
    const context = await this.browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 760 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    const watched: WatchedPage = {
      page,
      dialogs: [],
      errors: [],
      cspViolations: [],
      requests: [],
      screenshot: async (name) => {
        await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
      },
    };
    page.on('dialog', (dialog) => {
      watched.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) watched.cspViolations.push(message.text());
    });
    page.on('request', (request) => watched.requests.push(request.url()));
    return watched;
  }

  /** Closes the browser. */
  close(): Promise<void> {
    return this.browser.close();
  }
}
