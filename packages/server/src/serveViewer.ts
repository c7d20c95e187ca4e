import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_HEADERS, HTML_CSP, sendText } from './http/respond.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/** The text `/` shows when there is no built viewer to serve. */
export const VIEWER_MISSING_TEXT = `aitrace server is running, but the web viewer is not built.
Build it (node scripts/pnpm.mjs run build) or pass its directory with --viewer DIR.
The API answers under /api/ (try /api/traces).
`;

/** The `dist/` directory of an installed `@aitrace/viewer` package with a built index.html, if any. */
export function findViewerDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  try {
    const manifest = createRequire(from).resolve('@aitrace/viewer/package.json');
    const dist = join(dirname(manifest), 'dist');
    if (existsSync(join(dist, 'index.html'))) return dist;
  } catch {
    // The package may not export package.json; look for it the way Node finds packages instead.
  }
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const dist = join(dir, 'node_modules', '@aitrace', 'viewer', 'dist');
    if (existsSync(join(dist, 'index.html'))) return dist;
    if (dirname(dir) === dir) return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built viewer from `dir` (GET/HEAD). Paths without an extension that match no file get
 * index.html, so permalinks load the app. HTML gets a strict Content-Security-Policy.
 */
export async function serveViewer(response: ServerResponse, dir: string | undefined, pathname: string, head: boolean): Promise<void> {
  if (dir === undefined) {
    sendText(response, pathname === '/' || pathname === '/index.html' ? 200 : 404, VIEWER_MISSING_TEXT);
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(response, 400, `the path ${JSON.stringify(pathname)} is not valid percent-encoding\n`);
    return;
  }
  const root = resolve(dir);
  let file = resolve(root, `.${decoded}`);
  const inside = file === root || file.startsWith(root + sep);
  if (!inside || decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.') && part !== '')) {
    sendText(response, 404, 'not found\n');
    return;
  }
  if (file === root || decoded.endsWith('/')) file = join(file, 'index.html');
  if (!(await isFile(file))) {
    if (extname(decoded) !== '') {
      sendText(response, 404, 'not found\n');
      return;
    }
    file = join(root, 'index.html');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    sendText(response, 404, 'not found\n');
    return;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers: Record<string, string | number> = { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': body.length };
  // Bundler output under assets/ carries a content hash in its name, so it can be cached for good.
  headers['Cache-Control'] = decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = HTML_CSP;
  response.writeHead(200, headers);
  response.end(head ? undefined : body);
}
