// Live path: what following a big, growing trace file costs. `aitrace tail -f` (piped) runs as a subprocess, its
// CPU time read from /proc/<pid>/stat over a fixed window and its RSS from /proc/<pid>/status; the forest update
// runs in this process against a full rebuild of the same forest (what every update cost before).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeRecord, formatEpochMicros, normalizeRecord } from '@aitrace/format';
import { ForestBuilder } from '@aitrace/forest';
import { median } from './harness.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/aitrace.js', import.meta.url));
const T0 = Date.UTC(2026, 0, 1) * 1000;
const HELD_TRACES = Number(process.env.BENCH_LIVE_TRACES ?? 20_000);
const CPU_WINDOW_S = 15;
const MEMORY_S = Number(process.env.BENCH_LIVE_SECONDS ?? 60);
// The first part of the memory run fills the follower's trace retention; the slope is taken over the rest.
const MEMORY_WARMUP_S = Math.min(15, MEMORY_S / 4);
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const hex = (n, width) => n.toString(16).padStart(width, '0');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small trace, as file text: a request with one query inside, start and end each (4 lines). */
function smallTrace(n, name = 'request') {
  const trace = hex(n + 1, 32);
  const root = hex(2 * n + 1, 16);
  const child = hex(2 * n + 2, 16);
  const at = (us) => formatEpochMicros(T0 + n * 1000 + us);
  return [
    encodeRecord(
      { timestamp: at(0), event: `${name}.start`, type: 'span_start', trace_id: trace, span_id: root, name, provisional: true },
      { route: '/items/:id' },
    ),
    encodeRecord(
      {
        timestamp: at(10),
        event: 'db.query.start',
        type: 'span_start',
        trace_id: trace,
        span_id: child,
        parent_span_id: root,
        name: 'db.query',
        provisional: true,
      },
      { row: n },
    ),
    encodeRecord(
      {
        timestamp: at(20),
        event: 'db.query.end',
        type: 'span_end',
        trace_id: trace,
        span_id: child,
        parent_span_id: root,
        name: 'db.query',
        status: 'ok',
        duration_ms: 0.01,
      },
      { row: n },
    ),
    encodeRecord(
      { timestamp: at(50), event: `${name}.end`, type: 'span_end', trace_id: trace, span_id: root, name, status: 'ok', duration_ms: 0.05 },
      { route: '/items/:id' },
    ),
  ]
    .map((line) => `${line}\n`)
    .join('');
}

function writeTraces(path, count) {
  writeFileSync(path, '');
  for (let from = 0; from < count; from += 1000) {
    let text = '';
    for (let n = from; n < Math.min(count, from + 1000); n++) text += smallTrace(n);
    appendFileSync(path, text);
  }
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

// Preloaded into tail: on SIGUSR2 it collects garbage and writes its live heap, so growth is told from GC timing.
const HEAP_REPORTER = join(tmpdir(), 'aitrace-bench-heap.cjs');
writeFileSync(
  HEAP_REPORTER,
  "process.on('SIGUSR2', () => { global.gc(); require('node:fs').appendFileSync(process.env.AITRACE_BENCH_HEAP, process.memoryUsage().heapUsed + '\\n'); });\n",
);

/** `aitrace tail -f` on a file, piped; `seen(name)` waits until a span of that name was announced. */
function startTail(path, heapFile) {
  const preload = heapFile === undefined ? [] : ['--expose-gc', '--require', HEAP_REPORTER];
  const child = spawn(process.execPath, [...preload, BIN, 'tail', '-f', path], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AITRACE_BENCH_HEAP: heapFile ?? '' },
  });
  let tail = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text) => (tail = (tail + text).slice(-8192)));
  return {
    pid: child.pid,
    async seen(name, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (!tail.includes(name)) {
        if (Date.now() > deadline) throw new Error(`tail -f did not announce ${name} within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    stop() {
      child.kill('SIGTERM');
      return new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Appends `batch(i)` every `everyMs` for `seconds`, calling `sample` once a second. */
async function appendFor(path, seconds, everyMs, batch, sample = () => undefined) {
  const started = Date.now();
  let next = started;
  let nextSample = started;
  for (let i = 0; Date.now() - started < seconds * 1000; i++) {
    appendFileSync(path, batch(i));
    if (Date.now() >= nextSample) {
      sample((Date.now() - started) / 1000);
      nextSample += 1000;
    }
    next += everyMs;
    await sleep(Math.max(0, next - Date.now()));
  }
}

/** CPU share of one core used by `tail -f` over a fixed window with 10 small appends a second. */
async function tailCpu(heldTraces) {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-live-'));
  const path = join(dir, 'trace.jsonl');
  writeTraces(path, heldTraces);
  const tail = startTail(path);
  try {
    appendFileSync(path, smallTrace(heldTraces, 'bench.ready'));
    await tail.seen('bench.ready');
    const cpuBefore = cpuSeconds(tail.pid);
    const wallBefore = process.hrtime.bigint();
    await appendFor(path, CPU_WINDOW_S, 100, (i) => smallTrace(heldTraces + 1 + i));
    const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
    const cpu = cpuSeconds(tail.pid) - cpuBefore;
    // Kept up: the last append is announced.
    appendFileSync(path, smallTrace(heldTraces + 1_000_000, 'bench.done'));
    await tail.seen('bench.done', 30_000);
    return { core_pct: (cpu / wall) * 100, cpu_s: cpu, window_s: wall, held_traces: heldTraces };
  } finally {
    await tail.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Slope of y over x by least squares. */
function slope(points) {
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  return points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0) / points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
}

/**
 * Memory of `tail -f` while 1,000 records a second are appended (100 every 100 ms): its live heap after a forced
 * GC each second (RSS follows the collector's rhythm, a sawtooth, so its slope over a minute says little), and RSS.
 */
async function tailMemory() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-live-'));
  const path = join(dir, 'trace.jsonl');
  const heapFile = join(dir, 'heap.txt');
  writeFileSync(path, '');
  writeFileSync(heapFile, '');
  const tail = startTail(path, heapFile);
  const rss = [];
  const times = [];
  try {
    appendFileSync(path, smallTrace(0, 'bench.ready'));
    await tail.seen('bench.ready');
    // 25 small traces of 4 records = 100 records per append.
    const batch = (i) => Array.from({ length: 25 }, (_, k) => smallTrace(1 + i * 25 + k)).join('');
    await appendFor(path, MEMORY_S, 100, batch, (s) => {
      rss.push([s, rssMb(tail.pid)]);
      times.push(s);
      process.kill(tail.pid, 'SIGUSR2');
    });
    appendFileSync(path, smallTrace(10_000_000, 'bench.done'));
    await tail.seen('bench.done', 60_000);
  } finally {
    await tail.stop();
  }
  const heap = readFileSync(heapFile, 'utf8')
    .trim()
    .split('\n')
    .map((bytes, i) => [times[i], Number(bytes) / 2 ** 20]);
  rmSync(dir, { recursive: true, force: true });
  // BENCH_LIVE_SAMPLES=1 prints the heap curve (seconds, MB) of each memory run.
  if (process.env.BENCH_LIVE_SAMPLES) console.log(JSON.stringify(heap.map(([s, y]) => [Math.round(s), Math.round(y * 10) / 10])));
  const measured = heap.filter(([s]) => s >= MEMORY_WARMUP_S);
  const heapSlope = slope(measured);
  return {
    heap_slope_mb_per_min: heapSlope * 60,
    heap_per_hour_mb: heapSlope * 3600,
    heap_after_warmup_mb: measured[0][1],
    heap_end_mb: measured.at(-1)[1],
    rss_end_mb: rss.at(-1)[1],
    peak_rss_mb: Math.max(...rss.map(([, y]) => y)),
    records: MEMORY_S * 1000,
    seconds: MEMORY_S,
  };
}

/** Normalized records of `traces` traces of `spans` spans (a root and its children, start and end each). */
function session(traces, spans) {
  const records = [];
  for (let t = 0; t < traces; t++) {
    const trace = hex(t + 1, 32);
    const base = T0 + t * 1_000_000;
    for (let s = 0; s < spans; s++) {
      const meta = { trace_id: trace, span_id: hex(s + 1, 16), name: s === 0 ? 'agent.run' : 'tool.call', ...(s === 0 ? {} : { parent_span_id: hex(1, 16) }) };
      records.push({ ...meta, timestamp: formatEpochMicros(base + s * 10), event: `${meta.name}.start`, type: 'span_start', provisional: true });
      records.push({ ...meta, timestamp: formatEpochMicros(base + s * 10 + 5), event: `${meta.name}.end`, type: 'span_end', status: 'ok', duration_ms: 0.005 });
    }
  }
  return records.map((meta) => normalizeRecord(JSON.parse(encodeRecord(meta, { step: 1 }))).record);
}

/** One live update (a new span in one trace) of a session: ForestBuilder add + forest(), against a full rebuild. */
function forestUpdate(traces, spans, updates) {
  const records = session(traces, spans);
  const full = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new ForestBuilder();
    fresh.add(records);
    const started = process.hrtime.bigint();
    fresh.forest();
    full.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const builder = new ForestBuilder();
  builder.add(records);
  builder.forest();
  // The five rebuilt forests above are garbage; collecting them now keeps their cost out of the updates.
  globalThis.gc?.();
  const extra = [];
  for (let i = 0; i < updates; i++) {
    const t = (i * 7919) % traces;
    const meta = {
      trace_id: hex(t + 1, 32),
      span_id: hex(spans + 1 + i, 16),
      parent_span_id: hex(1, 16),
      name: 'tool.call',
      timestamp: formatEpochMicros(T0 + t * 1_000_000 + 900_000 + i),
      event: 'tool.call.start',
      type: 'span_start',
      provisional: true,
    };
    extra.push(normalizeRecord(JSON.parse(encodeRecord(meta, { step: 2 }))).record);
  }
  const times = [];
  for (const record of extra) {
    const started = process.hrtime.bigint();
    builder.add([record]);
    builder.forest();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    spans: traces * spans,
    traces,
    update_p50_ms: median(times),
    update_p99_ms: sorted[Math.floor(sorted.length * 0.99)],
    update_max_ms: sorted.at(-1),
    full_rebuild_ms: median(full),
    updates,
  };
}

/** Three runs of each measurement in a row, with the same-run baselines. */
export async function live() {
  const out = { tail_cpu: [], tail_cpu_empty_file: [], update: [], memory: [] };
  for (let run = 0; run < 3; run++) {
    out.tail_cpu_empty_file.push(await tailCpu(0));
    out.tail_cpu.push(await tailCpu(HELD_TRACES));
  }
  for (let run = 0; run < 3; run++) out.update.push(forestUpdate(1000, 100, 300));
  // For scale: the same update when the whole session is one trace (that trace is rebuilt whole).
  out.update_one_big_trace = forestUpdate(1, 100_000, 20);
  for (let run = 0; run < 3; run++) out.memory.push(await tailMemory());
  return out;
}
