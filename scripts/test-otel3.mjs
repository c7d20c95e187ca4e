#!/usr/bin/env node
// Runs the OpenTelemetry 3.x compatibility tests on Node 22: installs Node 22 (the npm registry's `node` package),
// the 3.x SDK and the packed @aitrace packages into .tools/otel3, then runs test/otel3 there with vitest.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, '.tools', 'otel3');
const packs = join(dir, 'packs');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const dependencies = {
  node: '22.23.3',
  vitest: '4.1.12',
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/core': '3.1.1',
  '@opentelemetry/resources': '3.1.1',
  '@opentelemetry/sdk-trace': '3.1.1',
  '@opentelemetry/sdk-logs': '3.1.1',
  '@opentelemetry/context-async-hooks': '3.1.1',
};

mkdirSync(packs, { recursive: true });
// Packed tarballs carry real versions instead of workspace links, as a user would install them.
for (const name of readdirSync(packs)) rmSync(join(packs, name));
for (const pkg of ['format', 'otel']) {
  execFileSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'pack', '--pack-destination', packs], {
    cwd: join(root, 'packages', pkg),
    stdio: 'ignore',
  });
}
const tarballs = Object.fromEntries(
  readdirSync(packs).map((file) => [file.startsWith('aitrace-format') ? '@aitrace/format' : '@aitrace/otel', `file:packs/${file}`]),
);
const manifest = { name: 'aitrace-otel3-compat', private: true, type: 'module', dependencies: { ...dependencies, ...tarballs } };
const manifestPath = join(dir, 'package.json');
const wanted = JSON.stringify(manifest, null, 2);
if (!existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== wanted || !existsSync(join(dir, 'node_modules', '.bin', 'node'))) {
  writeFileSync(manifestPath, wanted);
  console.log('test-otel3: installing Node 22 and the OpenTelemetry 3.x packages into .tools/otel3');
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'], { cwd: dir, stdio: 'inherit' });
} else {
  // Same manifest: refresh only the aitrace packages, which change with every build.
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock', ...Object.values(tarballs)], {
    cwd: dir,
    stdio: 'inherit',
  });
}

// The tests run from inside .tools/otel3 so every import resolves to the 3.x packages installed there.
for (const file of readdirSync(join(root, 'test', 'otel3'))) copyFileSync(join(root, 'test', 'otel3', file), join(dir, file));
const node22 = join(dir, 'node_modules', '.bin', 'node');
const args = [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs'), '--reporter=default'];
if (process.env.AITRACE_TEST_REPORT) args.push('--reporter=json', `--outputFile.json=${process.env.AITRACE_TEST_REPORT}`);
const result = spawnSync(node22, args, { cwd: dir, stdio: 'inherit' });
process.exit(result.status ?? 1);
