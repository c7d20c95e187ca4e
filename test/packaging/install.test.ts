// Installs the packed tarballs into fresh apps with npm and pnpm, as the README says, and runs its setup there.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = readFileSync(join(root, 'README.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'aitrace-packaging-'));
const packs = join(work, 'packs');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const PNPM = join(root, 'scripts', 'pnpm.mjs');
// A registry nobody listens on, for the @aitrace scope only: any lookup of an @aitrace/* name that an install needs
// fails it. No retries: npm still asks for the metadata of the CLI's optional peers (server, viewer) when its cache is
// cold, and the install goes on without them, but three retries with backoff each would cost minutes.
const NPMRC = '@aitrace:registry=http://127.0.0.1:9/\nfetch-retries=0\n';
const TIMEOUT = 240_000;

/** The environment of a user's shell: nothing npm or pnpm set for the test runner itself. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|VITEST)/i.test(key)));

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: TIMEOUT });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}: ${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

/** The README's fenced block that contains `marker`. */
function readmeBlock(marker: string): string {
  const block = [...README.matchAll(/```\w*\n([\s\S]*?)```/g)].map((match) => match[1]!).find((text) => text.includes(marker));
  if (block === undefined) throw new Error(`README.md has no code block containing ${marker}`);
  return block;
}

const installLine = readmeBlock('npm run tarballs');
/** The third-party packages of the README's install line, with their versions. */
const thirdParty = [...installLine.matchAll(/@opentelemetry\/[\w-]+@[\w.^~]+/g)].map((match) => match[0]);
const tracingMjs = readmeBlock('// tracing.mjs');
// A tiny app: one HTTP request to itself, which HttpInstrumentation turns into a client and a server span.
const APP = `import { createServer, get } from 'node:http';
const server = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
  get(\`http://127.0.0.1:\${server.address().port}/hello\`, (res) => { res.resume(); res.on('end', () => server.close()); });
});
`;

let packOutput = '';
const tarball = (pkg: string): string =>
  join(
    packs,
    readdirSync(packs).find((file) => file.startsWith(`aitrace-${pkg}-`) && file.endsWith('.tgz'))!,
  );

beforeAll(() => {
  packOutput = ok(run(process.execPath, [join(root, 'scripts', 'pack.mjs'), packs], root), 'scripts/pack.mjs');
}, TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh app directory with the README's package.json additions and the dead @aitrace registry. */
function freshApp(name: string, manifest: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `aitrace-${name}`, private: true, type: 'module', ...manifest }, null, 2));
  writeFileSync(join(dir, '.npmrc'), NPMRC);
  writeFileSync(join(dir, 'tracing.mjs'), tracingMjs);
  writeFileSync(join(dir, 'app.mjs'), APP);
  return dir;
}

/** Runs the README's setup in an app and shows its trace with the installed `aitrace tree`. */
function expectReadmeSetupWorks(dir: string): void {
  ok(run(process.execPath, ['--import', './tracing.mjs', 'app.mjs'], dir), 'node --import ./tracing.mjs app.mjs');
  const tree = ok(run(npx, ['--no', 'aitrace', 'tree', 'traces/app.jsonl'], dir), 'npx aitrace tree');
  expect(tree).toMatch(/GET/);
  const serve = run(npx, ['--no', 'aitrace', 'serve', '--port', '0'], dir);
  expect(serve.status).toBe(1);
  expect(serve.stderr).toContain('serve needs @aitrace/server, an optional peer dependency of @aitrace/cli that is not installed');
  expect(serve.stderr).toContain('npm install --save-dev @aitrace/server');
  const html = run(npx, ['--no', 'aitrace', 'html', 'traces/app.jsonl'], dir);
  expect(html.status).toBe(1);
  expect(html.stderr).toContain('html needs @aitrace/viewer, an optional peer dependency of @aitrace/cli that is not installed');
  expect(existsSync(join(dir, 'traces', 'app.html'))).toBe(false);
}

const APP_PACKAGES = ['format', 'otel', 'forest', 'otlp', 'mcp', 'cli'];
/** The packages an app needs for the README's tracing setup plus `aitrace tree`, without server and viewer. */
const installArgs = (): string[] => [...APP_PACKAGES.map(tarball), ...thirdParty];

describe('the packed tarballs', () => {
  it('ship a README, the LICENSE and source maps that resolve, and no .tsbuildinfo or tests', () => {
    const unpacked = join(work, 'unpacked');
    for (const file of readdirSync(packs).filter((name) => name.endsWith('.tgz'))) {
      const dir = join(unpacked, file);
      mkdirSync(dir, { recursive: true });
      ok(run('tar', ['-xzf', join(packs, file), '-C', dir], work), `tar -xzf ${file}`);
      const listed = ok(run('tar', ['-tzf', join(packs, file)], work), `tar -tzf ${file}`)
        .split('\n')
        .filter(Boolean);
      expect(listed, file).toContain('package/README.md');
      expect(listed, file).toContain('package/LICENSE');
      expect(readFileSync(join(dir, 'package', 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
      expect(
        listed.filter((path) => /tsbuildinfo|\.test\./.test(path)),
        file,
      ).toEqual([]);
      const maps = listed.filter((path) => path.endsWith('.map'));
      expect(maps.length, file).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
        for (const source of sources) expect(existsSync(join(dir, dirname(map), source)), `${file}: ${map} -> ${source}`).toBe(true);
      }
    }
  });

  it('print install commands with the OpenTelemetry packages of the README install line', () => {
    expect(thirdParty).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-node@0.223', '@opentelemetry/instrumentation@0.223', '@opentelemetry/instrumentation-http@0.223']),
    );
    for (const imported of tracingMjs.matchAll(/from '(@[\w-]+\/[\w-]+)'|register\('(@[\w-]+\/[\w-]+)\//g)) {
      const name = imported[1] ?? imported[2]!;
      if (!name.startsWith('@aitrace/'))
        expect(
          thirdParty.map((spec) => spec.replace(/@[^@]+$/, '')),
          `README install line has ${name}`,
        ).toContain(name);
    }
    expect(packOutput).toContain(`npm install ${tarball('format')} ${tarball('otel')} ${thirdParty.join(' ')}`);
    expect(packOutput).toContain(`pnpm add ${tarball('format')} ${tarball('forest')} ${tarball('otlp')} ${tarball('mcp')} ${tarball('cli')}\n`);
  });
});

describe('installing the tarballs into a fresh app', () => {
  it(
    'works with npm without asking a registry for @aitrace/* and without building better-sqlite3, then runs the README setup',
    () => {
      const dir = freshApp('npm', {});
      const args = ['install', '--no-audit', '--no-fund', ...installArgs()];
      // Offline from npm's cache when it holds the OpenTelemetry packages; else they (never @aitrace/*) come from the registry.
      // A cache holding only some of them fails offline with ENOTCACHED or, for a missing peer's metadata, ERESOLVE.
      let result = run(npm, [...args, '--offline'], dir);
      if (result.status !== 0 && /ENOTCACHED|ERESOLVE/.test(result.stderr)) result = run(npm, [...args, '--prefer-offline'], dir);
      const output = ok(result, 'npm install');
      expect(output).not.toMatch(/peer/i);
      expect(existsSync(join(dir, 'node_modules', 'better-sqlite3'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules', '@aitrace', 'server'))).toBe(false);
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
      const aitrace = Object.entries(lock.packages).filter(([path]) => path.includes('@aitrace/'));
      expect(aitrace.map(([path]) => path).sort()).toEqual([
        'node_modules/@aitrace/cli',
        'node_modules/@aitrace/forest',
        'node_modules/@aitrace/format',
        'node_modules/@aitrace/mcp',
        'node_modules/@aitrace/otel',
        'node_modules/@aitrace/otlp',
      ]);
      for (const [path, entry] of aitrace) expect(entry.resolved, path).toMatch(/^file:.*\.tgz$/);
      expectReadmeSetupWorks(dir);
    },
    TIMEOUT,
  );

  it(
    'works with pnpm and the overrides.json pins, without asking a registry for @aitrace/*, then runs the README setup',
    () => {
      const store = ok(run(process.execPath, [PNPM, 'store', 'path'], root), 'pnpm store path').trim();
      const dir = freshApp('pnpm', JSON.parse(readFileSync(join(packs, 'overrides.json'), 'utf8')) as Record<string, unknown>);
      const args = ['add', '--store-dir', store, ...installArgs()];
      // pnpm's store holds the workspace's packages; --offline needs its metadata cache too, which may be empty.
      let result = run(process.execPath, [PNPM, ...args, '--offline'], dir);
      if (result.status !== 0 && /NO_OFFLINE/.test(`${result.stdout}${result.stderr}`))
        result = run(process.execPath, [PNPM, ...args, '--prefer-offline'], dir);
      const output = ok(result, 'pnpm add');
      expect(output).not.toMatch(/peer/i);
      expect(readdirSync(join(dir, 'node_modules', '.pnpm')).filter((name) => name.startsWith('better-sqlite3') || name.startsWith('@aitrace+server'))).toEqual(
        [],
      );
      const lock = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
      expect(lock).not.toMatch(/'?@aitrace\/[\w-]+@0\.1\.0'?:/);
      expectReadmeSetupWorks(dir);
    },
    TIMEOUT,
  );

  it(
    'works with yarn 1 (from npx) and the overrides.json resolutions, without asking a registry for @aitrace/*, then runs the README setup',
    () => {
      const dir = freshApp('yarn', JSON.parse(readFileSync(join(packs, 'overrides.json'), 'utf8')) as Record<string, unknown>);
      // The tarball paths, as pack.mjs prints them; "resolutions" serves the @aitrace dependencies between them.
      const args = ['--yes', 'yarn@1', 'add', '--non-interactive', ...installArgs()];
      let result = run(npx, [...args, '--offline'], dir);
      if (result.status !== 0 && /offline/.test(`${result.stdout}${result.stderr}`)) result = run(npx, [...args, '--prefer-offline'], dir);
      const output = ok(result, 'yarn add');
      expect(output).not.toMatch(/peer/i);
      expect(existsSync(join(dir, 'node_modules', 'better-sqlite3'))).toBe(false);
      expect(readFileSync(join(dir, 'yarn.lock'), 'utf8')).not.toMatch(/resolved "(?!file:)[^"]*@aitrace/);
      expect(packOutput).toContain(
        `yarn add ${APP_PACKAGES.filter((pkg) => pkg !== 'otel')
          .map(tarball)
          .join(' ')}\n`,
      );
      expectReadmeSetupWorks(dir);
    },
    TIMEOUT,
  );
});
