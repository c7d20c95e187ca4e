#!/usr/bin/env node
// The whole test suite, as `npm test` runs it: setup, build, typecheck, lint, formatting, every vitest suite, then one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsDir = join(root, '.tools', 'results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

/** Runs a step with inherited output; returns its exit code. */
function step(title, command, args, env = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
}

const pnpm = (args) => [process.execPath, [join(root, 'scripts', 'pnpm.mjs'), ...args]];

if (step('setup', process.execPath, [join(root, 'scripts', 'setup.mjs')]) !== 0) process.exit(1);
if (step('build', ...pnpm(['run', 'build'])) !== 0) process.exit(1);
// Type errors in tests and lint findings fail the run like a failing test.
if (step('typecheck (sources and tests)', ...pnpm(['run', 'typecheck'])) !== 0) process.exit(1);
if (step('lint', ...pnpm(['run', 'lint'])) !== 0) process.exit(1);
if (step('formatting (prettier --check; `npm run format` fixes it)', ...pnpm(['run', 'format:check'])) !== 0) process.exit(1);
// The web viewer's browser tests (test/viewer) drive Debian's Chromium; it is installed here when missing.
if (step('Chromium for the browser tests', process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')]) !== 0) process.exit(1);
// The PostgreSQL store's tests start private clusters of Debian's postgresql-15, installed here when missing: never skipped.
if (step('PostgreSQL for the team-server tests', process.execPath, [join(root, 'scripts', 'postgres.mjs'), '--ensure']) !== 0) process.exit(1);

// Each suite writes vitest's JSON report, so the summary below counts every test of every suite.
const suites = [
  { title: 'tests (Node ' + process.versions.node + ')', args: ['exec', 'vitest', 'run'], report: 'vitest.json' },
  { title: 'tests on the OpenTelemetry 3.x line (Node 22)', command: [process.execPath, [join(root, 'scripts', 'test-otel3.mjs')]], report: 'otel3.json' },
  {
    title: 'VS Code extension in a real VS Code host (code-server + Chromium)',
    command: [process.execPath, [join(root, 'scripts', 'test-vscode.mjs')]],
    report: 'vscode.json',
  },
];

let failedSuites = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const suite of suites) {
  const reportFile = join(resultsDir, suite.report);
  const [command, args] = suite.command ?? pnpm([...suite.args, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`]);
  const code = step(suite.title, command, args, { AITRACE_TEST_REPORT: reportFile });
  if (code !== 0) failedSuites++;
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else if (code !== 0) {
    totals.failed += 1;
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites > 0 || totals.failed > 0 ? 1 : 0);
