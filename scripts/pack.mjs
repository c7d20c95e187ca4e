// Packs the publishable packages into .packs/ as npm tarballs, with workspace links replaced by versions, writes
// overrides.json beside them and prints the commands that install them into an app with npm, pnpm or yarn.
// Run after setup and build (`npm run tarballs` does all). Usage: node scripts/pack.mjs [DIR] (default: .packs/).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packs = process.argv[2] ? resolve(process.argv[2]) : join(root, '.packs');
// In dependency order: each one's @aitrace dependencies come before it.
const PACKAGES = ['format', 'forest', 'otlp', 'mcp', 'otel', 'viewer', 'server', 'cli'];

rmSync(packs, { recursive: true, force: true });
mkdirSync(packs, { recursive: true });
for (const pkg of PACKAGES) {
  const dir = join(root, 'packages', pkg);
  // The root LICENSE (and the root README where a package has none of its own) are copied in only for packing.
  const copied = [
    ['LICENSE', 'LICENSE'],
    ['README.md', 'README.md'],
  ].filter(([, to]) => !existsSync(join(dir, to)));
  for (const [from, to] of copied) copyFileSync(join(root, from), join(dir, to));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'pack', '--pack-destination', packs], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    for (const [, to] of copied) rmSync(join(dir, to));
  }
}

const manifests = new Map(PACKAGES.map((pkg) => [pkg, JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'))]));
const files = readdirSync(packs);
/** The tarball of a package, by its directory name. */
const tarball = (pkg) =>
  join(
    packs,
    files.find((file) => file === `aitrace-${pkg}-${manifests.get(pkg).version}.tgz`),
  );
/** A package and every @aitrace package it needs (dependencies and required peers), in dependency order. */
function closure(...wanted) {
  const needed = new Set();
  const visit = (pkg) => {
    if (needed.has(pkg)) return;
    needed.add(pkg);
    const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = manifests.get(pkg);
    const required = [...Object.keys(dependencies), ...Object.keys(peerDependencies).filter((name) => !peerDependenciesMeta[name]?.optional)];
    for (const name of required) if (name.startsWith('@aitrace/')) visit(name.slice('@aitrace/'.length));
  };
  for (const pkg of wanted) visit(pkg);
  return PACKAGES.filter((pkg) => needed.has(pkg));
}

// Why pins, not bundling: the tarballs stay what the registry would get, and the app pins every @aitrace name to its
// tarball, so no package manager asks a registry for @aitrace/* (where anyone could publish one). npm needs no pin
// (it refuses overrides of direct dependencies): every @aitrace dependency resolves to the tarball installed at the top.
/** `name: file:tarball` for each package. */
const pins = (pkgs) => Object.fromEntries(pkgs.map((pkg) => [manifests.get(pkg).name, `file:${tarball(pkg)}`]));
// yarn 1 installs every package its resolutions name, so they list only tracing and the command without the server.
const overrides = { pnpm: { overrides: pins(PACKAGES) }, resolutions: pins(closure('otel', 'cli')) };
writeFileSync(join(packs, 'overrides.json'), `${JSON.stringify(overrides, null, 2)}\n`);

// The OpenTelemetry packages the README's tracing.mjs imports, on the tested 2.x line (test/packaging checks they match).
const OTEL = [
  '@opentelemetry/api@1.9 @opentelemetry/core@2 @opentelemetry/sdk-trace-base@2 @opentelemetry/sdk-logs@0.223',
  '@opentelemetry/sdk-node@0.223 @opentelemetry/instrumentation@0.223 @opentelemetry/instrumentation-http@0.223',
].join(' ');
const sets = [
  ['for tracing (span processor, log exporter, developer API), with the OpenTelemetry SDK it plugs into', closure('otel'), OTEL],
  ['for the aitrace command (tree, tail, validate, stats, ...), run with npx aitrace', closure('cli'), ''],
  ['for the aitrace command with serve and html (builds better-sqlite3)', closure('cli', 'server', 'viewer'), ''],
];
console.log(`packed into ${packs}:`);
for (const pkg of PACKAGES) console.log(`  ${tarball(pkg).slice(packs.length + 1)}`);
console.log(`\nwith pnpm or yarn, first merge ${join(packs, 'overrides.json')} into your app's package.json:`);
console.log('it pins the @aitrace packages to their tarballs ("pnpm.overrides" for pnpm, "resolutions" for yarn 1).');
for (const [title, pkgs, extra] of sets) {
  const list = [...pkgs.map(tarball), ...(extra ? [extra] : [])].join(' ');
  // Tarball paths for yarn 1 too: by name it would ask the registry for each name its cache has never seen, even
  // when "resolutions" pins it; the pins then serve the @aitrace dependencies between the tarballs.
  const missing = pkgs.filter((pkg) => !(manifests.get(pkg).name in overrides.resolutions));
  const yarnNote = missing.length > 0 ? ` (add ${missing.map((pkg) => manifests.get(pkg).name).join(', ')} to "resolutions" first, from "pnpm.overrides")` : '';
  console.log(`\n${title}:\n  npm install ${list}\n  pnpm add ${list}\n  yarn add ${list}${yarnNote}`);
}
