#!/usr/bin/env node
// Finds Debian's Chromium for browser tests, installing it with apt-get when missing and running as root.
// Browsers are never downloaded by the test tools; the distribution package is the one source.
// Run directly, it prints the executable path; imported, `ensureChromium()` returns it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Flags for a quiet, offline, reproducible headless Chromium (playwright-core adds --headless and a fresh
 * temporary profile directory of its own on every launch).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function findChromium() {
  const fromEnv = process.env.AITRACE_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`AITRACE_CHROMIUM points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/** Returns the Chromium executable path, installing Debian's `chromium` package first if needed (root only). */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Chromium not found (looked for ${CANDIDATES.join(', ')}). Install it with: sudo apt-get install -y chromium, or set AITRACE_CHROMIUM.`);
  }
  console.error('ensure-chromium: installing the Debian chromium package');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch {
    // A fresh image may have no package lists yet.
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  }
  const installed = findChromium();
  if (!installed) throw new Error(`apt-get installed chromium, but none of ${CANDIDATES.join(', ')} exists`);
  return installed;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(`ensure-chromium: ${error.message}`);
    process.exit(1);
  }
}
