// Long lines: `aitrace stats` on a file holding one record of N MB followed by a normal record, and the same
// file under the server's watcher (`TraceWatcher`): seconds until the record after the long line is stored.
// BENCH_LONG_LINE_MB=5,20,40,600 picks the sizes; each run is cut off after BENCH_LONG_LINE_TIMEOUT_S (120).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = (process.env.BENCH_LONG_LINE_MB ?? '5,20,40,600').split(',').map(Number);
const TIMEOUT_S = Number(process.env.BENCH_LONG_LINE_TIMEOUT_S ?? 120);
const BIN = fileURLToPath(new URL('../../packages/cli/bin/aitrace.js', import.meta.url));
const WATCH_CHILD = fileURLToPath(new URL('./longLineWatchChild.mjs', import.meta.url));

const TRACE = 'a'.repeat(32);
const record = (event, attrs) =>
  JSON.stringify({ timestamp: '2026-01-01T00:00:00.000000Z', event, type: 'log', trace_id: TRACE, span_id: '1'.repeat(16), level: 'info', ...attrs });

/** A directory holding `trace.jsonl`: one log record of about `megabytes` MB, then a small record `after`. */
function generate(megabytes) {
  const dir = join(tmpdir(), `aitrace-bench-long-${megabytes}mb`);
  const path = join(dir, 'trace.jsonl');
  if (existsSync(path) && statSync(path).size >= megabytes * 1e6) return { dir, path };
  mkdirSync(dir, { recursive: true });
  const fd = openSync(path, 'w');
  writeSync(fd, `${record('long', {}).slice(0, -1)},"blob":"`);
  const block = 'x'.repeat(1e6);
  for (let i = 0; i < megabytes; i++) writeSync(fd, block);
  writeSync(fd, `"}\n${record('after', {})}\n`);
  closeSync(fd);
  return { dir, path };
}

function timed(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: TIMEOUT_S * 1000, maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, timedOut: result.signal === 'SIGTERM', status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the long-line cases; one run each (the 600 MB one takes minutes on the old code). */
export function longLines() {
  const out = {};
  for (const mb of SIZES) {
    const { dir, path } = generate(mb);
    const stats = timed([BIN, 'stats', '--json', path]);
    const watchDb = join(dir, 'watch.db');
    rmSync(watchDb, { force: true });
    const watch = timed([WATCH_CHILD, dir, watchDb]);
    out[`${mb}_mb`] = {
      stats: { seconds: stats.seconds, timed_out: stats.timedOut, exit: stats.status, stderr: stats.stderr.trim().slice(0, 300) },
      watch: { seconds: watch.seconds, timed_out: watch.timedOut, exit: watch.status, stdout: watch.stdout.trim().slice(0, 300) },
    };
    console.log(
      `${mb} MB line: stats ${stats.timedOut ? `not done in ${TIMEOUT_S} s` : `${stats.seconds.toFixed(2)} s, exit ${stats.status}`}; watcher ${watch.timedOut ? `did not store the next record in ${TIMEOUT_S} s` : `${watch.seconds.toFixed(2)} s: ${watch.stdout.trim()}`}`,
    );
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) longLines();
