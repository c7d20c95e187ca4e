// Server ingest: JSONL batches over HTTP into SQLite from 4 concurrent senders, with request latency, against an
// HTTP floor (a server that only reads the bodies) driven by the same client in the same run, and against SQLite's
// own floor: bare better-sqlite3 writes of the same records into the same schema (sqliteFloor.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeRecord, formatEpochMicros } from '@aitrace/format';
import { traceListLatencies } from './apiLatency.mjs';
import { median } from './harness.mjs';

/** Concurrent senders, batches per sender and spans per batch, shared with the OTLP ingest figure. */
export const SENDERS = 4;
export const BATCHES = Number(process.env.BENCH_SERVER_BATCHES ?? 60);
export const SPANS_PER_BATCH = 250;
const CHILD = fileURLToPath(new URL('./serverChild.mjs', import.meta.url));
const SQLITE_FLOOR = fileURLToPath(new URL('./sqliteFloor.mjs', import.meta.url));
const SQLITE_FILL = fileURLToPath(new URL('./sqliteFill.mjs', import.meta.url));
const BIG_SPANS = Number(process.env.BENCH_SQLITE_SPANS ?? 1_000_000);

/** The trace list's latency through the API of a server on a SQLite file filled with BIG_SPANS spans. */
async function bigListLatency(dir) {
  const path = join(dir, 'big.db');
  const fillSeconds = Number(execFileSync(process.execPath, [SQLITE_FILL, path, String(BIG_SPANS)], { encoding: 'utf8' }));
  const server = await startServerChild(['aitrace', path]);
  try {
    return { spans: BIG_SPANS, fill_seconds: fillSeconds, list: await traceListLatencies(server.port) };
  } finally {
    server.child.kill('SIGINT');
  }
}

/** SQLite's floor for the batches, in a fresh process: records/s upserted as they come, and as merged span rows. */
function sqliteFloor(path) {
  return JSON.parse(execFileSync(process.execPath, [SQLITE_FLOOR, path], { encoding: 'utf8' }));
}

/** One batch: start and end records of SPANS_PER_BATCH spans of one trace. */
export function batchBody(sender, n) {
  const trace = `${(sender + 1).toString(16)}${n.toString(16).padStart(31, '0')}`;
  const base = Date.UTC(2026, 0, 1) * 1000 + (sender * 1e6 + n) * 1000;
  const lines = [];
  for (let i = 0; i < SPANS_PER_BATCH; i++) {
    const span = (i + 1).toString(16).padStart(16, '0');
    const parent = i === 0 ? undefined : '0000000000000001';
    lines.push(
      encodeRecord(
        {
          timestamp: formatEpochMicros(base + i),
          event: 'db.query.start',
          type: 'span_start',
          trace_id: trace,
          span_id: span,
          parent_span_id: parent,
          name: 'db.query',
          provisional: true,
          service: 'bench',
        },
        { 'db.statement': 'SELECT * FROM items WHERE id = ?', row: i },
      ),
    );
    lines.push(
      encodeRecord(
        {
          timestamp: formatEpochMicros(base + i + 5),
          event: 'db.query.end',
          type: 'span_end',
          trace_id: trace,
          span_id: span,
          parent_span_id: parent,
          name: 'db.query',
          status: 'ok',
          duration_ms: 0.005,
          service: 'bench',
        },
        { row: i },
      ),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Starts serverChild.mjs with `args`; resolves with the child and the ports it printed (main, OTLP/HTTP, OTLP/gRPC). */
export function startServerChild(args) {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROF] : []), CHILD, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data) => {
      const [port, otlpHttp, otlpGrpc] = String(data).trim().split(' ').map(Number);
      resolve({ child, port, otlpHttp, otlpGrpc });
    });
  });
}

function post(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`))));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function drive(port, path, bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    bodies.map(async (senderBodies) => {
      for (const body of senderBodies) {
        const t = process.hrtime.bigint();
        await post(agent, port, path, body);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const records = SENDERS * BATCHES * SPANS_PER_BATCH * 2;
  return {
    records,
    seconds,
    records_per_s: records / seconds,
    p50_ms: median(latencies),
    p99_ms: latencies[Math.ceil(0.99 * latencies.length) - 1],
    requests: latencies.length,
  };
}

/** Runs the server ingest comparison. */
export async function serverIngest() {
  const bodies = Array.from({ length: SENDERS }, (_, s) => Array.from({ length: BATCHES }, (_, n) => batchBody(s, n)));
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-server-'));
  const floor = await startServerChild(['floor']);
  const server = await startServerChild(['aitrace', join(dir, 'traces.db')]);
  try {
    // Warm-up (JIT, sockets), then the floor before and after the real run, so drift on a noisy machine shows.
    await drive(floor.port, '/', bodies);
    const floorBefore = await drive(floor.port, '/', bodies);
    const sqliteBefore = sqliteFloor(join(dir, 'floor.db'));
    const ingest = await drive(server.port, '/api/ingest', bodies);
    const floorAfter = await drive(floor.port, '/', bodies);
    const sqliteAfter = sqliteFloor(join(dir, 'floor.db'));
    const stats = JSON.parse(
      await new Promise((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path: '/api/stats' }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(text));
        })
          .once('error', reject)
          .end();
      }),
    );
    const stored = stats.spans.reduce((n, s) => n + s.count, 0);
    const floorRate = (floorBefore.records_per_s + floorAfter.records_per_s) / 2;
    return {
      senders: SENDERS,
      batch_records: SPANS_PER_BATCH * 2,
      ingest,
      floor: { before: floorBefore, after: floorAfter },
      ingest_over_floor: ingest.records_per_s / floorRate,
      sqlite_floor: { before: sqliteBefore, after: sqliteAfter },
      ingest_over_sqlite_floor: ingest.records_per_s / ((sqliteBefore.upsert_records_per_s + sqliteAfter.upsert_records_per_s) / 2),
      ingest_over_merged_floor: ingest.records_per_s / ((sqliteBefore.merged_records_per_s + sqliteAfter.merged_records_per_s) / 2),
      big: await bigListLatency(dir),
      spans_sent: SENDERS * BATCHES * SPANS_PER_BATCH,
      spans_stored: stored,
    };
  } finally {
    floor.child.kill('SIGINT');
    server.child.kill('SIGINT');
  }
}
