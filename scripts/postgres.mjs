#!/usr/bin/env node
// A private PostgreSQL cluster for tests and benchmarks: Debian's postgresql-15 (installed with apt-get when
// missing), initdb in a temporary directory, a free port on 127.0.0.1, run as the `postgres` user when we are root.
// Run directly: `node scripts/postgres.mjs` prints the URL and stops the cluster on Ctrl-C;
// `node scripts/postgres.mjs -- CMD ARGS` runs CMD with AITRACE_DB set to the URL, then stops the cluster;
// `node scripts/postgres.mjs --ensure` only installs PostgreSQL when missing and prints where its programs are.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE = 'postgresql-15';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function findBinDir() {
  const fromEnv = process.env.AITRACE_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) throw new Error(`AITRACE_PG_BIN points to ${fromEnv}, which has no initdb`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  // The newest installed major version, 15 when several are.
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const chosen = versions.includes('15') ? '15' : versions[0];
  return chosen === undefined ? undefined : join(root, chosen, 'bin');
}

/** Returns the directory of PostgreSQL's programs (initdb, pg_ctl), installing Debian's postgresql-15 first if needed (root only). */
export function ensurePostgres() {
  const found = findBinDir();
  if (found) return found;
  if (!isRoot)
    throw new Error(`PostgreSQL not found (no /usr/lib/postgresql/*/bin/initdb). Install it with: sudo apt-get install -y ${PACKAGE}, or set AITRACE_PG_BIN.`);
  console.error(`postgres: installing the Debian ${PACKAGE} package`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', PACKAGE], { stdio: ['ignore', 'ignore', 'inherit'], env });
  try {
    install();
  } catch {
    // A fresh image may have no package lists yet.
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    install();
  }
  const installed = findBinDir();
  if (!installed) throw new Error(`apt-get installed ${PACKAGE}, but /usr/lib/postgresql/*/bin/initdb does not exist`);
  return installed;
}

/** PostgreSQL refuses to run as root: as root, commands run as the `postgres` user the Debian package creates. */
function asServerUser(command, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgresUid() {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (line === undefined) throw new Error('there is no postgres user (the Debian package creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a private cluster: `initdb` in a new temporary directory and `pg_ctl start` on a free 127.0.0.1 port.
 * `durable: false` (the default, for tests) turns fsync off; benchmarks pass `durable: true`.
 */
export async function startPostgres(options = {}) {
  const bin = ensurePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (isRoot) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const exec = (program, args) => {
    const [command, commandArgs] = asServerUser(join(bin, program), args);
    return run(command, commandArgs, { encoding: 'utf8', maxBuffer: 1 << 30 });
  };
  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    '-c max_connections=200',
    ...(options.durable === true ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ];
  let port = 0;
  const cluster = {
    dir,
    get port() {
      return port;
    },
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    /** Starts the server again on the same port (after `stop` or `kill`). */
    async start() {
      await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', [`-p ${port}`, ...settings].join(' '), 'start']);
    },
    /** Stops the server (fast shutdown: clients are disconnected, committed data kept); the data stays for `start`. */
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
    /** Stops and starts the server, as an operator's restart does. */
    async restart() {
      await cluster.stop();
      await cluster.start();
    },
    /** Stops the server and deletes the cluster. */
    async destroy() {
      process.off('exit', cleanUp);
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    /** Creates an empty database, sorting text by an ICU locale if `options.icuLocale` is given (else C); resolves to its URL. */
    async createDatabase(name, options = {}) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database names here are lowercase words, got ${JSON.stringify(name)}`);
      const icu =
        options.icuLocale === undefined ? [] : ['--template=template0', '--locale-provider=icu', `--icu-locale=${options.icuLocale}`, '--locale=C.utf8'];
      await exec('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...icu, name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    /** Runs `psql` on a database of the cluster with the given arguments; resolves to its output. */
    async psql(database, args) {
      return (await exec('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atq', ...args])).stdout;
    },
    /** The server's log, for error messages. */
    log() {
      return existsSync(log) ? readFileSync(log, 'utf8') : '';
    },
  };
  // A test process that dies does not leave a server running.
  const cleanUp = () => {
    try {
      const [command, args] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      execFileSync(command, args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  // Another process may take the free port before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await cluster.start();
      return cluster;
    } catch (error) {
      if (attempt >= 5) {
        await cluster.destroy();
        throw new Error(`cannot start PostgreSQL: ${error.stderr ?? error.message}\n${cluster.log()}`, { cause: error });
      }
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === '--ensure') {
  try {
    console.log(ensurePostgres());
  } catch (error) {
    console.error(`postgres: ${error.message}`);
    process.exit(1);
  }
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const separator = process.argv.indexOf('--');
  const command = separator === -1 ? [] : process.argv.slice(separator + 1);
  let cluster;
  try {
    cluster = await startPostgres({ durable: process.argv.includes('--durable') });
  } catch (error) {
    console.error(`postgres: ${error.message}`);
    process.exit(1);
  }
  if (command.length === 0) {
    console.log(cluster.url);
    console.error(`postgres: running in ${cluster.dir}; Ctrl-C stops it and deletes it`);
    // Signal listeners alone do not keep Node running.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(keepAlive);
    await cluster.destroy();
  } else {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, AITRACE_DB: cluster.url } });
    const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
    await cluster.destroy();
    process.exit(code);
  }
}
