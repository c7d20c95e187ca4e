#!/usr/bin/env node
// One-step setup on a machine that has only Node and npm: installs the pinned pnpm into .tools/
// (no corepack, nothing global) and then the workspace's dependencies from the lock file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tools = join(root, '.tools');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const wanted = /^pnpm@(.+)$/.exec(rootManifest.packageManager ?? '')?.[1];
if (!wanted) {
  console.error('package.json: "packageManager" must name a pnpm version, e.g. "pnpm@10.34.9".');
  process.exit(1);
}

function installedPnpmVersion() {
  const manifest = join(tools, 'node_modules', 'pnpm', 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (installedPnpmVersion() !== wanted) {
  console.log(`setup: installing pnpm@${wanted} into .tools/`);
  execFileSync(npm, ['install', '--prefix', tools, '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${wanted}`], {
    stdio: 'inherit',
    cwd: root,
  });
}

const pnpmArgs = ['install', '--frozen-lockfile', '--prefer-offline'];
if (process.env.CI) pnpmArgs.push('--reporter=append-only');
execFileSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), ...pnpmArgs], { stdio: 'inherit', cwd: root });
