// Readers: aitrace stats and tree --trace on a generated file (default 1 GB), and buildSpanForest on 1,000,000
// records in memory. The CLI runs as a subprocess so its own peak RSS is measured.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeRecord, formatEpochMicros, normalizeRecord } from '@aitrace/format';
import { buildSpanForest } from '@aitrace/forest';

const MB = Number(process.env.BENCH_READER_MB ?? 1024);
const BIN = fileURLToPath(new URL('../../packages/cli/bin/aitrace.js', import.meta.url));
const T0 = Date.UTC(2026, 0, 1) * 1000;

function traceId(t) {
  return t.toString(16).padStart(32, '0').replace(/^0/, 'a');
}

/** Records of trace `t`: a root with 49 children, start and end each, plus a log per child. */
function* traceLines(t) {
  const trace = traceId(t);
  const root = (t * 100 + 1).toString(16).padStart(16, '0');
  const base = T0 + t * 1000;
  yield encodeRecord(
    { timestamp: formatEpochMicros(base), event: 'request.start', type: 'span_start', trace_id: trace, span_id: root, name: 'request', provisional: true },
    { route: '/items/:id' },
  );
  for (let c = 2; c <= 50; c++) {
    const id = (t * 100 + c).toString(16).padStart(16, '0');
    yield encodeRecord(
      {
        timestamp: formatEpochMicros(base + c),
        event: 'db.query.start',
        type: 'span_start',
        trace_id: trace,
        span_id: id,
        parent_span_id: root,
        name: 'db.query',
        provisional: true,
      },
      { 'db.statement': 'SELECT * FROM items WHERE id = ?', row: c },
    );
    yield encodeRecord(
      { timestamp: formatEpochMicros(base + c + 1), event: 'rows_read', type: 'log', trace_id: trace, span_id: id, level: 'info' },
      { rows: c % 7 },
    );
    yield encodeRecord(
      {
        timestamp: formatEpochMicros(base + c + 5),
        event: 'db.query.end',
        type: 'span_end',
        trace_id: trace,
        span_id: id,
        parent_span_id: root,
        name: 'db.query',
        status: c % 97 === 0 ? 'error' : 'ok',
        duration_ms: (c % 13) + 0.5,
      },
      { row: c },
    );
  }
  yield encodeRecord(
    {
      timestamp: formatEpochMicros(base + 900),
      event: 'request.end',
      type: 'span_end',
      trace_id: trace,
      span_id: root,
      name: 'request',
      status: 'ok',
      duration_ms: 0.9 + (t % 50),
    },
    { route: '/items/:id' },
  );
}

function generate(path, megabytes) {
  if (existsSync(path) && statSync(path).size >= megabytes * 2 ** 20) return;
  const fd = openSync(path, 'w');
  let bytes = 0;
  let batch = '';
  for (let t = 0; bytes < megabytes * 2 ** 20; t++) {
    for (const line of traceLines(t)) batch += `${line}\n`;
    if (batch.length > 1 << 20) {
      writeSync(fd, batch);
      bytes += Buffer.byteLength(batch);
      batch = '';
    }
  }
  if (batch) writeSync(fd, batch);
  closeSync(fd);
}

/** Lines in a file, counted from its bytes. */
function countLines(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
    for (let at = buffer.indexOf(10, 0); at !== -1 && at < n; at = buffer.indexOf(10, at + 1)) lines++;
  }
  closeSync(fd);
  return lines;
}

const RSS_REPORTER = join(tmpdir(), 'aitrace-bench-rss.cjs');

function runCli(args) {
  writeFileSync(RSS_REPORTER, "process.on('exit', () => require('node:fs').writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n");
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', RSS_REPORTER, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const maxRss = Number(/MAXRSS (\d+)/.exec(result.stderr)?.[1] ?? 0) / 1024;
  return { status: result.status, seconds, peak_rss_mb: maxRss, stdout: result.stdout };
}

export function readers() {
  const path = join(tmpdir(), `aitrace-bench-${MB}mb.jsonl`);
  generate(path, MB);
  const size = statSync(path).size;
  const lines = countLines(path);
  const stats = runCli(['stats', '--json', path]);
  const records = JSON.parse(stats.stdout).spans.reduce((n, s) => n + s.count, 0);
  // The same command on a file a quarter the size: memory must not grow with the file.
  const quarterPath = join(tmpdir(), `aitrace-bench-${MB / 4}mb.jsonl`);
  generate(quarterPath, MB / 4);
  const quarterStats = runCli(['stats', '--json', quarterPath]);
  const quarterTree = runCli(['tree', '--json', '--trace', traceId(123), quarterPath]);
  const tree = runCli(['tree', '--json', '--trace', traceId(123), path]);
  const validate = runCli(['validate', '--json', path]);
  const out = {
    file_mb: size / 2 ** 20,
    lines: lines,
    stats: {
      seconds: stats.seconds,
      mb_per_s: size / 2 ** 20 / stats.seconds,
      records_per_s: lines / stats.seconds,
      spans_counted: records,
      peak_rss_mb: stats.peak_rss_mb,
      quarter_file_peak_rss_mb: quarterStats.peak_rss_mb,
    },
    tree_trace: {
      seconds: tree.seconds,
      mb_per_s: size / 2 ** 20 / tree.seconds,
      records_per_s: lines / tree.seconds,
      peak_rss_mb: tree.peak_rss_mb,
      quarter_file_peak_rss_mb: quarterTree.peak_rss_mb,
      found: tree.stdout.includes(traceId(123)),
    },
    validate: {
      seconds: validate.seconds,
      mb_per_s: size / 2 ** 20 / validate.seconds,
      records_per_s: lines / validate.seconds,
      peak_rss_mb: validate.peak_rss_mb,
      exit: validate.status,
    },
  };

  // buildSpanForest on 1,000,000 normalized records (10,000 traces of 50 spans: starts, ends and a log each).
  const normalized = [];
  for (let t = 0; normalized.length < 1_000_000; t++) {
    for (const line of traceLines(t)) {
      normalized.push(normalizeRecord(JSON.parse(line)).record);
      if (normalized.length === 1_000_000) break;
    }
  }
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  const forest = buildSpanForest(normalized, { ended: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const heapAfterBuild = process.memoryUsage().heapUsed;
  // What the forest keeps (the records were allocated before): the builder's working state is garbage by now.
  globalThis.gc?.();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  out.build_span_forest = {
    records: normalized.length,
    traces: forest.traces.length,
    seconds,
    records_per_s: normalized.length / seconds,
    heap_added_mb: (heapAfterBuild - heapBefore) / 2 ** 20,
    retained_mb: retained / 2 ** 20,
    retained_bytes_per_record: retained / normalized.length,
  };
  return out;
}
