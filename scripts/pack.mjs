// Packs the publishable packages into .packs/ as npm tarballs, with workspace links replaced by versions, and
// prints the npm command that installs them into an app. Run after setup and build (`npm run tarballs` does all).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packs = join(root, '.packs');
// In dependency order: each one's @aitrace dependencies come before it.
const PACKAGES = ['format', 'forest', 'otlp', 'otel', 'viewer', 'server', 'cli'];

rmSync(packs, { recursive: true, force: true });
mkdirSync(packs, { recursive: true });
for (const pkg of PACKAGES) {
  execFileSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'pack', '--pack-destination', packs], { cwd: join(root, 'packages', pkg), stdio: ['ignore', 'ignore', 'inherit'] });
}
const files = readdirSync(packs).sort((a, b) => PACKAGES.findIndex((p) => a.startsWith(`aitrace-${p}-`)) - PACKAGES.findIndex((p) => b.startsWith(`aitrace-${p}-`)));
console.log(`packed into ${packs}:`);
for (const file of files) console.log(`  ${file}`);
const tarball = (pkg) => join(packs, files.find((file) => file.startsWith(`aitrace-${pkg}-`)));
console.log('\nin your app, for tracing (span processor, log exporter, developer API):');
console.log(`  npm install ${tarball('format')} ${tarball('otel')} @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/core @opentelemetry/sdk-logs`);
console.log('and for the aitrace command (tree, tail, html, serve, ...), then run it with npx aitrace:');
console.log(`  npm install --save-dev ${PACKAGES.filter((p) => p !== 'otel').map(tarball).join(' ')}`);
