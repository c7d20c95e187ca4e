import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@aitrace/server';
import { expect } from 'vitest';
import { ViewerBrowser } from './browser.js';

/** A real trace server on a free port with its own database in a temporary directory, and headless Chromium. */
export class ViewerHarness {
  private constructor(
    readonly dir: string,
    readonly server: RunningServer,
    readonly browser: ViewerBrowser,
    private readonly problems: string[],
  ) {}

  /** Starts the server and the browser; `name` prefixes the temporary directory. */
  static async start(name: string): Promise<ViewerHarness> {
    const dir = mkdtempSync(join(tmpdir(), `aitrace-${name}-`));
    const problems: string[] = [];
    const server = await startServer({ port: 0, db: join(dir, 'traces.db'), onProblem: (message) => problems.push(message) });
    return new ViewerHarness(dir, server, await ViewerBrowser.launch(), problems);
  }

  /** Stores JSONL records through the server's ingest endpoint. */
  async ingest(jsonl: string): Promise<void> {
    const response = await fetch(new URL('/api/ingest', this.server.url), { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: jsonl });
    expect(response.status, await response.clone().text()).toBe(200);
  }

  /** Stops everything, removes the directory, and checks the server reported no problem. */
  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
    expect(this.problems).toEqual([]);
  }
}
