// `pnpm bench`: runs every benchmark, prints a table with ratios and target verdicts, writes bench/results.json.
// BENCH_ONLY=span,spanir,log,scrub,memory,latency,readers,server,live picks sections; BENCH_READER_MB sets the reader
// file size. span: three full timing runs (BENCH_SPAN_RUNS), the worst decides; spanir: instructions per span (callgrind).
// BENCH_ONLY=longlines (not in the default run: it writes a 600 MB line) runs longLines.mjs.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { acrossRuns, fmt, median, repeatRuns } from './harness.mjs';
import { latency } from './latency.mjs';
import { live } from './live.mjs';
import { logPath } from './logPath.mjs';
import { longLines } from './longLines.mjs';
import { readers } from './readers.mjs';
import { otlpIngest } from './otlpIngest.mjs';
import { scrubPath } from './scrubPath.mjs';
import { serverIngest } from './server.mjs';
import { CONTENDERS } from './spanContenders.mjs';
import { hasCallgrind, spanInstructions } from './spanInstructions.mjs';
import { spanPath } from './spanPath.mjs';
import { WORKLOADS } from './spanWorkloads.mjs';

const only = new Set((process.env.BENCH_ONLY ?? 'span,spanir,log,scrub,memory,latency,readers,server,live').split(','));
const results = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString(), targets: [] };
const target = (name, value, goal, pass) => results.targets.push({ name, value, goal, pass });

// The span-path targets (issue 16), as ratios of throughput: async vs OTLP JSON to file, vs the SDK floor, sync vs async.
const SPAN_TARGETS = [
  { name: 'async (a) vs OTLP JSON to file (d)', of: ['a', 'd'], goal: 1.3 },
  { name: 'async (a) vs SDK floor (c)', of: ['a', 'c'], goal: 0.6 },
  { name: 'sync (b) vs async (a)', of: ['b', 'a'], goal: 0.7 },
];

if (only.has('span')) {
  const runs = Number(process.env.BENCH_SPAN_RUNS ?? 3);
  console.log(
    `span path: ${Object.keys(WORKLOADS).length} workloads x ${Object.keys(CONTENDERS).length} contenders, interleaved rounds (spread < 25% or 25 rounds), ${runs} full runs ...`,
  );
  const all = await repeatRuns(async (i) => {
    const r = await spanPath();
    const rows = {};
    for (const [workload, m] of Object.entries(r)) {
      for (const [k, v] of Object.entries(m))
        rows[`${workload} (${k}) ${CONTENDERS[k]}`] = {
          'spans/s': fmt(v.ops_per_s),
          'ns/span': fmt(v.ns_per_op),
          'spread %': fmt(v.spread_pct, 1),
          rounds: v.rounds,
        };
    }
    console.log(`run ${i + 1} of ${runs}:`);
    console.table(rows);
    return r;
  }, runs);
  results.span_path = all;
  results.span_ratios = {};
  const rows = {};
  for (const workload of Object.keys(WORKLOADS)) {
    results.span_ratios[workload] = {};
    for (const t of SPAN_TARGETS) {
      const [x, y] = t.of;
      const values = all.map((r) => r[workload][x].ops_per_s / r[workload][y].ops_per_s);
      // The spread of one run's ratio: the two contenders' spreads add up.
      const within = all.map((r) => r[workload][x].spread_pct + r[workload][y].spread_pct);
      const across = acrossRuns(values);
      results.span_ratios[workload][`${x}/${y}`] = { ...across, spread_within_run_pct: within };
      rows[`${workload}: ${x}/${y}`] = {
        ...Object.fromEntries(values.map((v, i) => [`run ${i + 1}`, `${fmt(v, 2)} ±${fmt(within[i] / 2, 0)}%`])),
        worst: fmt(across.worst, 2),
        'spread across runs %': fmt(across.spread_pct, 0),
        goal: `>= ${t.goal}`,
      };
      target(`span path, ${WORKLOADS[workload].label.split(':')[0]}: ${t.name} (worst of ${runs})`, across.worst, `>= ${t.goal}x`, across.worst >= t.goal);
    }
  }
  console.log("ratios (throughput; ± is half the two contenders' spreads in that run):");
  console.table(rows);
}

if (only.has('spanir')) {
  console.log('\nspan path, instructions per span (valgrind callgrind; repeatable on a loaded machine) ...');
  if (!hasCallgrind()) {
    console.log('valgrind is not installed: skipped');
  } else {
    const contenders = (process.env.BENCH_IR_CONTENDERS ?? Object.keys(CONTENDERS).join(',')).split(',');
    const r = await spanInstructions({ contenders });
    results.span_instructions = r;
    const rows = {};
    for (const workload of Object.keys(WORKLOADS)) {
      const m = r[workload];
      rows[workload] = Object.fromEntries(contenders.map((k) => [`(${k}) instr/span`, fmt(m[k])]));
      if (m.a === undefined) continue;
      // Fewer instructions is faster: a ratio of counts reads like a ratio of throughput.
      const checks = [
        ['c', 'a', 'c/a (floor)', 0.6],
        ['d', 'a', 'd/a (OTLP file)', 1.3],
        ['a', 'b', 'a/b (sync)', 0.7],
      ];
      for (const [x, y, label, goal] of checks) {
        if (m[x] === undefined || m[y] === undefined) continue;
        rows[workload][label] = fmt(m[x] / m[y], 2);
        target(`span path instructions, ${workload}: ${label}`, m[x] / m[y], `>= ${goal}x`, m[x] / m[y] >= goal);
      }
    }
    console.table(rows);
    console.log(`developer-API log call: ${fmt(r.log.nosite)} instructions without a call site, ${fmt(r.log.site)} with (+${fmt(r.log.site - r.log.nosite)})`);
  }
}

if (only.has('log')) {
  console.log('\nlog path: one record with 3 fields ...');
  const r = await logPath();
  results.log_path = r;
  console.table(
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, { 'records/s': fmt(v.ops_per_s), 'ns/record': fmt(v.ns_per_op), 'spread %': fmt(v.spread_pct, 1) }]),
    ),
  );
  const ratio = r.exporter.ops_per_s / r.pino.ops_per_s;
  results.log_ratios = {
    exporter_over_pino: ratio,
    call_site_cost_ns: r.logger_call_site.ns_per_op - r.logger_no_call_site.ns_per_op,
    logger_with_site_over_without: r.logger_call_site.ops_per_s / r.logger_no_call_site.ops_per_s,
  };
  console.log(`ratios: exporter/pino ${fmt(ratio, 2)}; call-site capture costs ${fmt(results.log_ratios.call_site_cost_ns)} ns per log call`);
  target('log path vs pino', ratio, '>= 0.5x', ratio >= 0.5);
}

if (only.has('scrub')) {
  console.log('\nscrubbing: a chat span record with a long prompt, scrub + encode vs encode alone ...');
  const r = await scrubPath();
  results.scrub_path = r;
  const labels = { a: 'scrub + encode, no secret', b: 'encode alone (baseline)', c: 'scrub + encode, one bearer token in the prompt' };
  const rows = {};
  results.scrub_ratios = {};
  for (const [chars, m] of Object.entries(r)) {
    for (const [k, v] of Object.entries(m))
      rows[`${chars} chars (${k}) ${labels[k]}`] = { 'records/s': fmt(v.ops_per_s), 'µs/record': fmt(v.ns_per_op / 1000, 1), 'spread %': fmt(v.spread_pct, 1) };
    results.scrub_ratios[chars] = { a_over_b: m.a.ops_per_s / m.b.ops_per_s, c_over_b: m.c.ops_per_s / m.b.ops_per_s };
  }
  console.table(rows);
  for (const [chars, q] of Object.entries(results.scrub_ratios)) {
    console.log(`ratios (throughput), ${chars} chars: a/b ${fmt(q.a_over_b, 2)}  c/b ${fmt(q.c_over_b, 2)}`);
    target(`scrubbing a ${chars}-char prompt: scrub + encode vs encode alone`, q.a_over_b, '>= 0.5x', q.a_over_b >= 0.5);
  }
}

if (only.has('memory')) {
  console.log('\nmemory: each mode in a fresh process ...');
  const child = fileURLToPath(new URL('./memoryChild.mjs', import.meta.url));
  results.memory = {};
  for (const mode of ['sdk-floor', 'million', 'open', 'stalled']) {
    const out = spawnSync(process.execPath, ['--expose-gc', child, mode], { encoding: 'utf8' });
    results.memory[mode] = JSON.parse(out.stdout.trim().split('\n').at(-1));
  }
  console.table(
    Object.fromEntries(
      Object.entries(results.memory).map(([k, v]) => [
        k,
        {
          'above baseline MB': fmt(v.above_baseline_mb, 1),
          'peak heap MB': fmt(v.peak_heap_mb, 1),
          written: v.written,
          dropped: v.dropped,
          s: fmt(v.seconds, 2),
        },
      ]),
    ),
  );
  results.memory_ratios = { million_over_sdk_floor: results.memory.million.above_baseline_mb / results.memory['sdk-floor'].above_baseline_mb };
  console.log(
    `ratio: 1,000,000 spans through aitrace vs through the SDK's own BatchSpanProcessor (no-op exporter): ${fmt(results.memory_ratios.million_over_sdk_floor, 2)}x the RSS growth`,
  );
  target('peak RSS above baseline, 1,000,000 spans', results.memory.million.above_baseline_mb, '< 150 MB', results.memory.million.above_baseline_mb < 150);
  target(
    'stalled sink stays bounded (1,000,000 spans)',
    results.memory.stalled.above_baseline_mb,
    '< 150 MB, drops counted',
    results.memory.stalled.above_baseline_mb < 150 && results.memory.stalled.dropped > 0,
  );
}

if (only.has('latency')) {
  console.log('\nlatency to disk: span start -> start record readable in the file ...');
  results.latency = await latency();
  console.log(
    `p50 ${fmt(results.latency.p50_ms, 1)} ms, p99 ${fmt(results.latency.p99_ms, 1)} ms, max ${fmt(results.latency.max_ms, 1)} ms over ${results.latency.samples} spans`,
  );
  target('start record readable, p99', results.latency.p99_ms, '<= 100 ms', results.latency.p99_ms <= 100);
}

if (only.has('readers')) {
  console.log(`\nreaders: generating / reading a ${process.env.BENCH_READER_MB ?? 1024} MB file ...`);
  results.readers = readers();
  const r = results.readers;
  console.table({
    'aitrace stats': {
      'MB/s': fmt(r.stats.mb_per_s, 1),
      'records/s': fmt(r.stats.records_per_s),
      s: fmt(r.stats.seconds, 1),
      'peak RSS MB': fmt(r.stats.peak_rss_mb),
      'peak RSS MB, 1/4 file': fmt(r.stats.quarter_file_peak_rss_mb),
    },
    'aitrace tree --trace': {
      'MB/s': fmt(r.tree_trace.mb_per_s, 1),
      'records/s': fmt(r.tree_trace.records_per_s),
      s: fmt(r.tree_trace.seconds, 1),
      'peak RSS MB': fmt(r.tree_trace.peak_rss_mb),
      'peak RSS MB, 1/4 file': fmt(r.tree_trace.quarter_file_peak_rss_mb),
    },
    'aitrace validate': {
      'MB/s': fmt(r.validate.mb_per_s, 1),
      'records/s': fmt(r.validate.records_per_s),
      s: fmt(r.validate.seconds, 1),
      'peak RSS MB': fmt(r.validate.peak_rss_mb),
    },
    'buildSpanForest (1,000,000 records)': {
      'records/s': fmt(r.build_span_forest.records_per_s),
      s: fmt(r.build_span_forest.seconds, 2),
      'heap added MB': fmt(r.build_span_forest.heap_added_mb),
      'retained B/record': fmt(r.build_span_forest.retained_bytes_per_record),
    },
  });
  for (const [name, m] of [
    ['aitrace stats', r.stats],
    ['aitrace tree --trace', r.tree_trace],
  ]) {
    target(`${name}: MB/s`, m.mb_per_s, '>= 150', m.mb_per_s >= 150);
    // 4x the file: peak RSS may not grow by more than a quarter (start-up and one trace are fixed costs).
    target(
      `${name}: peak RSS, full file / 1/4 file`,
      m.peak_rss_mb / m.quarter_file_peak_rss_mb,
      '<= 1.25x',
      m.peak_rss_mb / m.quarter_file_peak_rss_mb <= 1.25,
    );
  }
  const perRecord = r.build_span_forest.retained_bytes_per_record;
  target('buildSpanForest: heap kept per record', perRecord, '<= 300 B', perRecord <= 300);
}

if (only.has('longlines')) {
  console.log('\nlong lines: aitrace stats and the server watcher on one record of 5 to 600 MB, then a small one ...');
  results.long_lines = longLines();
}

if (only.has('server')) {
  console.log('\nserver: JSONL batches of 500 records over HTTP into SQLite, 4 concurrent senders ...');
  const r = await serverIngest();
  results.server = r;
  console.table({
    'aitrace serve, POST /api/ingest': {
      'records/s': fmt(r.ingest.records_per_s),
      'p50 ms': fmt(r.ingest.p50_ms, 1),
      'p99 ms': fmt(r.ingest.p99_ms, 1),
      requests: r.ingest.requests,
    },
    'HTTP floor (body read, 200), before': {
      'records/s': fmt(r.floor.before.records_per_s),
      'p50 ms': fmt(r.floor.before.p50_ms, 1),
      'p99 ms': fmt(r.floor.before.p99_ms, 1),
      requests: r.floor.before.requests,
    },
    'HTTP floor, after': {
      'records/s': fmt(r.floor.after.records_per_s),
      'p50 ms': fmt(r.floor.after.p50_ms, 1),
      'p99 ms': fmt(r.floor.after.p99_ms, 1),
      requests: r.floor.after.requests,
    },
  });
  console.table(
    Object.fromEntries(
      [
        ['SQLite floor: each record upserted, start then end', 'upsert_records_per_s'],
        ['SQLite floor: one merged row per span', 'merged_records_per_s'],
      ].map(([label, key]) => [label, { 'records/s before': fmt(r.sqlite_floor.before[key]), 'records/s after': fmt(r.sqlite_floor.after[key]) }]),
    ),
  );
  console.log(
    `ratios: ingest / HTTP floor ${fmt(r.ingest_over_floor, 2)}; ingest / SQLite upsert floor ${fmt(r.ingest_over_sqlite_floor, 2)}; ingest / merged-row floor ${fmt(r.ingest_over_merged_floor, 2)}; spans sent ${fmt(r.spans_sent)}, stored ${fmt(r.spans_stored)}`,
  );
  target('server ingest, JSONL, 4 senders', r.ingest.records_per_s, '>= 80,000 records/s', r.ingest.records_per_s >= 80_000);
  target('server ingest / SQLite upsert floor', r.ingest_over_sqlite_floor, '>= 0.8x', r.ingest_over_sqlite_floor >= 0.8);
  console.log(`\nserver: the trace list through the API on SQLite holding ${fmt(r.big.spans)} spans (filled in ${fmt(r.big.fill_seconds, 1)} s) ...`);
  console.table(
    Object.fromEntries(
      Object.entries(r.big.list).map(([name, m]) => [
        name,
        { 'p50 ms': fmt(m.p50_ms, 2), 'p99 ms': fmt(m.p99_ms, 2), 'max ms': fmt(m.max_ms, 2), requests: m.samples },
      ]),
    ),
  );
  target(`SQLite trace list p99 on ${fmt(r.big.spans)} spans`, r.big.list.first_page.p99_ms, '< 100 ms', r.big.list.first_page.p99_ms < 100);
  target('server ingest loses nothing (4 senders)', r.spans_stored, `= ${r.spans_sent} spans`, r.spans_stored === r.spans_sent);

  console.log('\nserver: OTLP ingest, the same batches (250 spans) sent by the real OpenTelemetry exporters, 4 concurrent senders ...');
  const otlp = await otlpIngest();
  results.server_otlp = otlp;
  const jsonlSpansPerS = r.ingest.records_per_s / 2;
  console.table({
    'JSONL, POST /api/ingest (above)': {
      'spans/s': fmt(jsonlSpansPerS),
      'p50 ms': fmt(r.ingest.p50_ms, 1),
      'p99 ms': fmt(r.ingest.p99_ms, 1),
      requests: r.ingest.requests,
    },
    ...Object.fromEntries(
      Object.entries(otlp).map(([protocol, m]) => [
        `OTLP ${protocol}, exporter-trace-otlp-${protocol === 'grpc' ? 'grpc' : 'proto'}`,
        { 'spans/s': fmt(m.spans_per_s), 'p50 ms': fmt(m.p50_ms, 1), 'p99 ms': fmt(m.p99_ms, 1), requests: m.requests },
      ]),
    ),
  });
  console.log(
    `ratios (spans/s): OTLP http/protobuf / JSONL ${fmt(otlp['http/protobuf'].spans_per_s / jsonlSpansPerS, 2)}, OTLP gRPC / JSONL ${fmt(otlp.grpc.spans_per_s / jsonlSpansPerS, 2)}`,
  );
  for (const [protocol, m] of Object.entries(otlp))
    target(`OTLP ${protocol} ingest loses nothing (4 senders)`, m.spans_stored, `= ${m.spans} spans`, m.spans_stored === m.spans);
}

if (only.has('live')) {
  console.log('\nlive: tail -f on a big file, one live update of a big session, memory over appends; three runs each ...');
  const r = await live();
  results.live = r;
  const spread = (values) => ((Math.max(...values) - Math.min(...values)) / median(values)) * 100;
  const row = (values, digits) => ({
    'run 1': fmt(values[0], digits),
    'run 2': fmt(values[1], digits),
    'run 3': fmt(values[2], digits),
    'spread %': fmt(spread(values), 0),
  });
  const cpu = r.tail_cpu.map((m) => m.core_pct);
  const cpuEmpty = r.tail_cpu_empty_file.map((m) => m.core_pct);
  const update = r.update.map((m) => m.update_p50_ms);
  const heapSlope = r.memory.map((m) => m.heap_slope_mb_per_min);
  console.table({
    [`tail -f, ${fmt(r.tail_cpu[0].held_traces)} traces held, 10 appends/s: % of a core`]: row(cpu, 2),
    'the same on an empty file (baseline): % of a core': row(cpuEmpty, 2),
    [`live update of 1 trace, ${fmt(r.update[0].spans)}-span session (${fmt(r.update[0].traces)} traces): p50 ms`]: row(update, 2),
    '  the same, p99 ms (young-generation GC pauses land here)': row(
      r.update.map((m) => m.update_p99_ms),
      1,
    ),
    '  full rebuild of that forest (every update before): ms': row(
      r.update.map((m) => m.full_rebuild_ms),
      1,
    ),
    [`tail -f, 1,000 records/s for ${r.memory[0].seconds} s: live heap slope after warm-up, MB/min`]: row(heapSlope, 3),
    '  live heap after warm-up, MB': row(
      r.memory.map((m) => m.heap_after_warmup_mb),
      1,
    ),
    '  live heap at the end, MB': row(
      r.memory.map((m) => m.heap_end_mb),
      1,
    ),
    '  RSS at the end, MB': row(
      r.memory.map((m) => m.rss_end_mb),
      1,
    ),
  });
  const big = r.update_one_big_trace;
  console.log(
    `for scale: the session as one trace of ${fmt(big.spans)} spans: update p50 ${fmt(big.update_p50_ms, 1)} ms, full rebuild ${fmt(big.full_rebuild_ms, 1)} ms`,
  );
  results.live_ratios = {
    held_over_empty_file: median(cpu) / median(cpuEmpty),
    update_over_full_rebuild: median(r.update.map((m) => m.update_p50_ms)) / median(r.update.map((m) => m.full_rebuild_ms)),
    heap_end_over_after_warmup: median(r.memory.map((m) => m.heap_end_mb / m.heap_after_warmup_mb)),
  };
  const ratios = results.live_ratios;
  console.log(
    `ratios: tail CPU, ${fmt(r.tail_cpu[0].held_traces)} traces held / empty file ${fmt(ratios.held_over_empty_file, 2)}; update p50 / full rebuild ${fmt(ratios.update_over_full_rebuild, 5)}; live heap, end / after warm-up ${fmt(ratios.heap_end_over_after_warmup, 3)}`,
  );
  target(
    'tail -f on 20,000 traces, 10 appends/s: % of a core (worst of 3)',
    Math.max(...cpu),
    '< 5 %',
    cpu.every((v) => v < 5),
  );
  target(
    'live update of 1 trace of a 100,000-span session: p50 ms (worst of 3)',
    Math.max(...update),
    '< 20 ms',
    update.every((v) => v < 20),
  );
  target(
    'tail -f at 1,000 records/s: live heap growth projected to an hour, MB (worst of 3)',
    Math.max(...r.memory.map((m) => m.heap_per_hour_mb)),
    '< 10 MB/h',
    r.memory.every((m) => m.heap_per_hour_mb < 10),
  );
}

if (only.has('pg') || process.env.BENCH_ONLY === undefined) await (await import('./pgIngest.mjs')).reportPgIngest(results, target);
if (only.has('viewerLists')) await (await import('./viewerLists.mjs')).viewerListsSection(results, target);
if (only.has('viewerTrace')) await (await import('./viewerTrace.mjs')).viewerTraceSection(results, target);

console.log('\ntargets:');
for (const t of results.targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${fmt(t.value, 2)} (goal ${t.goal})`);
writeFileSync(new URL('../results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten to bench/results.json');
