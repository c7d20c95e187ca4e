import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findViewerDir, VIEWER_MISSING_TEXT } from './serveViewer.js';
import { startServer, type RunningServer } from './startServer.js';

/** A GET with the path sent exactly as given (fetch would normalise `..`). */
function rawGet(server: RunningServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving the web viewer', () => {
  let dir: string;
  let viewer: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-viewer-'));
    viewer = join(dir, 'dist');
    mkdirSync(join(viewer, 'assets'), { recursive: true });
    writeFileSync(join(viewer, 'index.html'), '<!doctype html><title>aitrace</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(viewer, 'assets', 'app.js'), 'console.log("viewer")');
    writeFileSync(join(dir, 'secret.txt'), 'outside the viewer');
    writeFileSync(join(viewer, '.env'), 'HIDDEN=1');
    server = await startServer({ port: 0, db: ':memory:', viewerDir: viewer });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html with a strict Content-Security-Policy', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>aitrace</title>');
  });

  it('serves assets with long caching, and index.html for permalinks', async () => {
    const asset = await fetch(new URL('/assets/app.js', server.url));
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("viewer")');
    const permalink = await fetch(new URL('/trace/0af7651916cd43dd8448eb211c80319c', server.url));
    expect(permalink.status).toBe(200);
    expect(await permalink.text()).toContain('<title>aitrace</title>');
    expect((await fetch(new URL('/missing.js', server.url))).status).toBe(404);
  });

  it('never serves files outside the viewer directory or hidden files', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/.env', '/%2eenv', '/assets/%00.js']) {
      const response = await rawGet(server, path);
      expect(response.body, path).not.toContain('outside the viewer');
      expect(response.body, path).not.toContain('HIDDEN');
    }
    expect((await fetch(new URL('/', server.url), { method: 'POST' })).status).toBe(405);
  });

  it('says the viewer is not built when there is none, without pretending to be a UI', async () => {
    const bare = await startServer({ port: 0, db: ':memory:', viewerDir: null });
    try {
      const response = await fetch(bare.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toBe(VIEWER_MISSING_TEXT);
      expect((await fetch(new URL('/api/traces', bare.url))).status).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('serves the installed @aitrace/viewer by default, its page under the strict policy', async () => {
    const dist = findViewerDir();
    expect(dist, 'the workspace build bundles the viewer into packages/viewer/dist').toBeDefined();
    const served = await startServer({ port: 0, db: ':memory:' });
    try {
      const page = await fetch(served.url);
      const html = await page.text();
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const script = /<script defer src="(\/assets\/viewer-[^"]+\.js)"><\/script>/.exec(html)?.[1];
      const style = /<link rel="stylesheet" href="(\/assets\/viewer-[^"]+\.css)">/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect(style).toBeDefined();
      expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/);
      const js = await fetch(new URL(script!, served.url));
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await fetch(new URL(style!, served.url))).headers.get('content-type')).toBe('text/css; charset=utf-8');
    } finally {
      await served.close();
    }
  });

  it('finds an installed @aitrace/viewer dist directory by walking up node_modules', () => {
    const installed = join(dir, 'app', 'node_modules', '@aitrace', 'viewer', 'dist');
    mkdirSync(installed, { recursive: true });
    // Without index.html it is no viewer. (What is found instead depends on NODE_PATH, which pnpm's bin shims set.)
    expect(findViewerDir(join(dir, 'app', 'lib', 'server.js'))).not.toBe(installed);
    writeFileSync(join(installed, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'app', 'node_modules', '@aitrace', 'viewer', 'package.json'), '{"name":"@aitrace/viewer","exports":{".":"./dist/index.js"}}');
    mkdirSync(join(dir, 'app', 'lib'), { recursive: true });
    expect(findViewerDir(join(dir, 'app', 'lib', 'server.js'))).toBe(installed);
  });
});
