#!/usr/bin/env node
// Runs the project's pinned pnpm (installed into .tools/ by scripts/setup.mjs) with the given arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pnpmEntry = join(root, '.tools', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

if (!existsSync(pnpmEntry)) {
  console.error(`pnpm is not installed in ${join(root, '.tools')}; run "node scripts/setup.mjs" first.`);
  process.exit(1);
}

// Nested scripts that call `pnpm` find the same pinned copy.
const binDir = join(root, '.tools', 'node_modules', '.bin');
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
const result = spawnSync(process.execPath, [pnpmEntry, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
