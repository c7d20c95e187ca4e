#!/usr/bin/env node
// Runs the VS Code extension in a real VS Code host: installs Chromium (Debian), Node 24 and code-server (npm
// registry) when missing, packages the extension's .vsix, then runs packages/vscode/host-test with vitest,
// which starts code-server with the .vsix installed and drives it through headless Chromium.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';
import { installCodeServer } from './install-code-server.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const packageDir = join(root, 'packages', 'vscode');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

let chromium;
let codeServer;
try {
  chromium = ensureChromium();
  codeServer = installCodeServer();
} catch (error) {
  console.error(`test:vscode: ${error.message}`);
  process.exit(1);
}

if (
  run(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), '--filter', 'aitrace-vscode', 'run', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] }) !== 0
) {
  console.error('test:vscode: packaging the extension failed');
  process.exit(1);
}

const args = [join(root, 'scripts', 'pnpm.mjs'), 'exec', 'vitest', 'run', '--config', join(packageDir, 'vitest.host.config.ts'), '--reporter=default'];
if (process.env.AITRACE_TEST_REPORT) args.push('--reporter=json', `--outputFile.json=${process.env.AITRACE_TEST_REPORT}`);
const env = {
  ...process.env,
  AITRACE_CHROMIUM: chromium,
  AITRACE_CODE_SERVER_NODE: codeServer.node,
  AITRACE_CODE_SERVER_ENTRY: codeServer.entry,
  AITRACE_VSIX: join(packageDir, 'dist', 'aitrace-vscode.vsix'),
};
process.exit(run(process.execPath, args, { env }));
