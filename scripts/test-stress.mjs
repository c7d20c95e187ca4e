#!/usr/bin/env node
// The long versions of the reliability and security tests (`pnpm test:stress`): the crash matrix over 8 rounds,
// 100,000 records per concurrent writer, fuzzing with 20,000 runs per property and a fresh seed, the server load
// test for 60 s. Test files run one at a time so the load and timing figures are not skewed by each other.
// Measured figures are printed as "[figure] ..." lines. Extra arguments go to vitest (a path to run one file).
// Settings: AITRACE_FUZZ_RUNS, AITRACE_SEED (replay a seed), AITRACE_LOAD_SECONDS, AITRACE_CONCURRENCY_RECORDS.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const env = { ...process.env, AITRACE_STRESS: '1', AITRACE_FUZZ_RUNS: process.env.AITRACE_FUZZ_RUNS ?? '20000' };
const pnpm = (args) => spawnSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), ...args], { cwd: root, stdio: 'inherit', env });

// The apps the tests start as child processes import the built packages.
const build = pnpm(['run', 'build']);
if (build.status !== 0) process.exit(build.status ?? 1);
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['test/reliability', 'test/security', 'test/fuzz'];
const run = pnpm(['exec', 'vitest', 'run', '--fileParallelism=false', ...paths]);
process.exit(run.status ?? 1);
