#!/usr/bin/env node
// Installs a real VS Code host for the extension tests, from the npm registry only: Node 24 (the registry's
// `node` package, which carries the binary and its C headers) into .tools/node24, and code-server into
// .tools/code-server. code-server's postinstall compiles VS Code's native modules; node-gyp is pointed at the
// Node 24 headers so nothing is downloaded from nodejs.org. Kerberos needs the gssapi headers (libkrb5-dev).
// Run directly, it prints the Node 24 and code-server entry paths; imported, `installCodeServer()` returns them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Pinned versions: code-server requires Node 24. */
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tools = join(root, '.tools');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = ['--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'];

function installOnce(dir, manifest, install) {
  const marker = join(dir, '.installed.json');
  const wanted = JSON.stringify(manifest, null, 2);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), wanted);
  install();
  // Written last, so an interrupted install is redone instead of trusted.
  writeFileSync(marker, wanted);
}

function ensureGssapiHeaders() {
  if (existsSync('/usr/include/gssapi/gssapi.h')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new Error('code-server builds the kerberos module, which needs /usr/include/gssapi/gssapi.h: run sudo apt-get install -y libkrb5-dev');
  console.error('install-code-server: installing libkrb5-dev (gssapi headers for the kerberos module)');
  const options = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'libkrb5-dev'], options);
  } catch {
    // A fresh machine has no package lists yet.
    execFileSync('apt-get', ['update'], options);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'libkrb5-dev'], options);
  }
}

/** Installs (once) Node 24 and code-server under .tools/; returns the Node 24 binary and code-server's entry script. */
export function installCodeServer() {
  const nodeDir = join(tools, 'node24');
  installOnce(nodeDir, { name: 'aitrace-node24', private: true, dependencies: { node: NODE_VERSION } }, () => {
    console.error(`install-code-server: installing Node ${NODE_VERSION} into .tools/node24`);
    execFileSync(npm, ['install', ...quiet], { cwd: nodeDir, stdio: ['ignore', 'ignore', 'inherit'] });
  });
  const nodeBin = join(nodeDir, 'node_modules', '.bin', 'node');
  const headers = join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  if (!existsSync(join(headers, 'include', 'node', 'node_api.h')))
    throw new Error(`Node ${NODE_VERSION} headers missing under ${headers}; delete .tools/node24 and retry`);

  const serverDir = join(tools, 'code-server');
  installOnce(serverDir, { name: 'aitrace-code-server', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } }, () => {
    ensureGssapiHeaders();
    console.error(`install-code-server: installing code-server ${CODE_SERVER_VERSION} into .tools/code-server (compiles native modules, a few minutes)`);
    // Under `npm test` the environment pins npm's own Node (npm_node_execpath, NODE); drop those so npm and the
    // postinstall's nested npm run on Node 24, which code-server checks for.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
    const env = {
      ...inherited,
      PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: headers,
    };
    execFileSync(npm, ['install', ...quiet], { cwd: serverDir, stdio: ['ignore', 'ignore', 'inherit'], env });
  });
  const entry = join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server entry missing: ${entry}; delete .tools/code-server and retry`);
  return { node: nodeBin, entry };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { node, entry } = installCodeServer();
    console.log(`${node} ${entry}`);
  } catch (error) {
    console.error(`install-code-server: ${error.message}`);
    process.exit(1);
  }
}
