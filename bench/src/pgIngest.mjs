// PostgreSQL team server: JSONL batches of 500 records (250 spans, start and end) from 4 concurrent senders into
// one `aitrace serve` and into two on one database, beside a floor of bare multi-row INSERTs of the very span rows
// stored into the same schema (psql, 4 connections, one statement per batch), all in one run on one private cluster
// (durable: fsync on), in rounds on emptied tables (BENCH_PG_ROUNDS, default 5; medians and spread). Then the trace list's latency through the API on 1,000,000 stored spans, and the delay of a
// live update from one instance to a viewer of the other.
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { TextDecoderStream } from 'node:stream/web';
import { join } from 'node:path';
import { encodeRecord, formatEpochMicros } from '@aitrace/format';
import { startPostgres } from '../../scripts/postgres.mjs';
import { get, percentile, traceListLatencies } from './apiLatency.mjs';
import { fmt, median, spreadPct } from './harness.mjs';
import { batchBody, BATCHES, SENDERS, SPANS_PER_BATCH, startServerChild } from './server.mjs';

const BIG_SPANS = Number(process.env.BENCH_PG_SPANS ?? 1_000_000);
const SPANS_PER_TRACE = 10;
const LIST_SAMPLES = 200;
const LIVE_SAMPLES = 50;
const RETAINED_ROWS = 10_000;
// Rounds of floor, one instance, two instances and retention, each on emptied tables: one 3-second ingest is at
// the mercy of the machine's fsync latency, so rates are medians over rounds, with their spread.
const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 5);

function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/api/ingest',
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`ingest: ${res.statusCode} ${text.slice(0, 200)}`))));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** Sends every sender's batches, sender s to `ports[s % ports.length]`; records/s and request latency. */
async function drive(ports, bodies) {
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: SENDERS }));
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    bodies.map(async (senderBodies, s) => {
      for (const body of senderBodies) {
        const t = process.hrtime.bigint();
        await post(agents[s % ports.length], ports[s % ports.length], body);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const agent of agents) agent.destroy();
  latencies.sort((a, b) => a - b);
  const records = SENDERS * BATCHES * SPANS_PER_BATCH * 2;
  return { records, seconds, records_per_s: records / seconds, p50_ms: median(latencies), p99_ms: percentile(latencies, 0.99), requests: latencies.length };
}

// The span rows an instance stored, as SQL literals: the floor inserts exactly these, one multi-row INSERT per batch.
const ROW_LITERALS = `SELECT format('(%L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L)', trace_id, span_id, parent_span_id,
  time_us, start_us, end_us, duration_ms, name, event, type, status, status_message, service, level, record, attrs_json, attrs, service_version, environment, seq)
  FROM spans ORDER BY trace_id, span_id`;

/** Per sender, a script of one INSERT per batch of its rows (rows of one trace, as the ingest batches were). */
function floorScripts(literals) {
  const rows = literals.trimEnd().split('\n');
  const statements = [];
  for (let i = 0; i < rows.length; i += SPANS_PER_BATCH) {
    statements.push(
      'INSERT INTO spans (trace_id, span_id, parent_span_id, time_us, start_us, end_us, duration_ms, name, event, type, status, status_message, service, level, ' +
        `record, attrs_json, attrs, service_version, environment, seq) VALUES\n${rows.slice(i, i + SPANS_PER_BATCH).join(',\n')};`,
    );
  }
  return Array.from({ length: SENDERS }, (_, s) => `${statements.filter((_, n) => n % SENDERS === s).join('\n')}\n`);
}

/** 1,000,000 spans in 100,000 traces, written by the server itself, so the trace list has a realistic table. */
const FILL_SQL = (spans) => `
INSERT INTO spans (trace_id, span_id, parent_span_id, time_us, start_us, end_us, duration_ms, name, event, type, status, service, level, record, attrs_json, attrs, seq)
SELECT lpad(to_hex(g / ${SPANS_PER_TRACE}), 32, '0'), lpad(to_hex(g), 16, '0'), CASE WHEN g % ${SPANS_PER_TRACE} = 0 THEN NULL ELSE lpad(to_hex(g - g % ${SPANS_PER_TRACE}), 16, '0') END,
  1767225600000000 + g * 1000 + 500, 1767225600000000 + g * 1000, 1767225600000000 + g * 1000 + 500, 0.5, 'op' || (g % 20), 'op' || (g % 20) || '.end', 'span_end',
  CASE WHEN g % 997 = 0 THEN 'error' ELSE 'ok' END, 'svc' || (g % 5), NULL, '{"type":"span_end"}', '{"row":' || g || ',"tenant":"t' || (g % 100) || '"}',
  ('{"row":' || g || ',"tenant":"t' || (g % 100) || '"}')::jsonb, g
FROM generate_series(0, ${spans - 1}) AS g;
INSERT INTO traces (trace_id, root_span_id, root_name, root_parentless, root_start_us, service, start_us, end_us, last_us, span_count, error_count, running_count, record_count)
SELECT trace_id, min(span_id), 'op0', 1, min(start_us), 'svc0', min(start_us), max(end_us), max(time_us), count(*), count(*) FILTER (WHERE status = 'error'), 0, count(*)
FROM spans GROUP BY trace_id;
ANALYZE;
`;

/** Ingest of one small batch through instance A until its trace event reaches an SSE viewer of instance B. */
async function liveDelay(portA, portB) {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${portB}/api/events`, { signal: controller.signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const waitFor = async (traceId) => {
    for (;;) {
      if (buffer.includes(traceId)) {
        buffer = '';
        return;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
    }
  };
  await waitFor('event: ready');
  const agent = new Agent({ keepAlive: true });
  const delays = [];
  for (let n = 0; n < LIVE_SAMPLES; n++) {
    const traceId = (0xf00000 + n).toString(16).padStart(32, '0');
    const line = encodeRecord(
      { timestamp: formatEpochMicros(Date.UTC(2026, 0, 1) * 1000 + n), event: 'ping', type: 'log', level: 'info', trace_id: traceId },
      { n },
    );
    const t = process.hrtime.bigint();
    const seen = waitFor(traceId);
    await post(agent, portA, Buffer.from(`${line}\n`));
    await seen;
    delays.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  agent.destroy();
  controller.abort();
  delays.sort((a, b) => a - b);
  return { p50_ms: median(delays), p99_ms: percentile(delays, 0.99), max_ms: delays.at(-1), samples: delays.length };
}

/** Runs the PostgreSQL section. */
export async function pgIngest() {
  const cluster = await startPostgres({ durable: true });
  const children = [];
  const serve = async (url) => {
    const server = await startServerChild(['aitrace', url]);
    children.push(server.child);
    return server.port;
  };
  try {
    const bodies = Array.from({ length: SENDERS }, (_, s) => Array.from({ length: BATCHES }, (_, n) => batchBody(s, n)));
    const oneUrl = await cluster.createDatabase('one_instance');
    const twoUrl = await cluster.createDatabase('two_instances');
    const floorUrl = await cluster.createDatabase('bare_inserts');
    const one = await serve(oneUrl);
    const twoA = await serve(twoUrl);
    const twoB = await serve(twoUrl);
    // The floor's schema is the server's own: a server creates it on start, then only psql writes there.
    const floorServer = await startServerChild(['aitrace', floorUrl]);
    floorServer.child.kill('SIGINT');
    const retainedUrl = await cluster.createDatabase('with_retention');
    const retaining = await startServerChild(['aitrace-retention', retainedUrl, String(RETAINED_ROWS), '100']);
    children.push(retaining.child);
    // Warm-up (JIT, connections), whose stored span rows become the floor's INSERTs.
    await drive([one], bodies);
    // psql -At prints each row's tuple as is, one per line (JSON text holds no raw newline).
    const scripts = floorScripts(await cluster.psql('one_instance', ['-c', ROW_LITERALS])).map((script, s) => {
      const path = join(cluster.dir, `floor-${s}.sql`);
      writeFileSync(path, script, { mode: 0o644 });
      return path;
    });
    const records = SENDERS * BATCHES * SPANS_PER_BATCH * 2;
    const floorRun = async () => {
      const started = process.hrtime.bigint();
      await Promise.all(scripts.map((path) => cluster.psql('bare_inserts', ['-f', path])));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { records, seconds, records_per_s: records / seconds };
    };
    const spans = async (port) => (await get(port, '/api/stats')).spans.reduce((n, s) => n + s.count, 0);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const db of ['one_instance', 'two_instances', 'with_retention', 'bare_inserts']) await cluster.psql(db, ['-c', 'TRUNCATE spans, records, traces']);
      // In rotating order, each after a CHECKPOINT: whatever ran right after a heavy insert met PostgreSQL still
      // writing that insert out.
      const runs = {
        floor: floorRun,
        oneInstance: () => drive([one], bodies),
        twoInstances: () => drive([twoA, twoB], bodies),
        // Retention (at most RETAINED_ROWS rows) deletes old traces every 100 ms meanwhile, in small transactions
        // beside ingest, which should barely notice.
        withRetention: () => drive([retaining.port], bodies),
      };
      const names = Object.keys(runs);
      const measured = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        await cluster.psql('bare_inserts', ['-c', 'CHECKPOINT']);
        measured[name] = await runs[name]();
      }
      const { floor, oneInstance, twoInstances, withRetention } = measured;
      rounds.push({
        floor,
        one_instance: oneInstance,
        two_instances: twoInstances,
        with_retention: withRetention,
        stored: { one: await spans(one), two: await spans(twoA) },
        one_over_floor: oneInstance.records_per_s / floor.records_per_s,
        two_over_floor: twoInstances.records_per_s / floor.records_per_s,
        retention_over_one: withRetention.records_per_s / oneInstance.records_per_s,
      });
    }
    const retainedRows = Number((await cluster.psql('with_retention', ['-c', 'SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM records)'])).trim());
    const live = await liveDelay(twoA, twoB);

    const bigUrl = await cluster.createDatabase('million_spans');
    const big = await serve(bigUrl);
    const fillStarted = process.hrtime.bigint();
    const fillPath = join(cluster.dir, 'fill.sql');
    writeFileSync(fillPath, FILL_SQL(BIG_SPANS), { mode: 0o644 });
    await cluster.psql('million_spans', ['-f', fillPath]);
    const fillSeconds = Number(process.hrtime.bigint() - fillStarted) / 1e9;
    const list = await traceListLatencies(big, LIST_SAMPLES);
    const of = (key) => rounds.map((r) => r[key]);
    const rate = (key) => median(rounds.map((r) => r[key].records_per_s));
    return {
      senders: SENDERS,
      batch_records: SPANS_PER_BATCH * 2,
      rounds,
      one_instance: rate('one_instance'),
      two_instances: rate('two_instances'),
      with_retention: rate('with_retention'),
      floor: rate('floor'),
      one_over_floor: median(of('one_over_floor')),
      two_over_floor: median(of('two_over_floor')),
      retention_over_one: median(of('retention_over_one')),
      spread_pct: {
        one_over_floor: spreadPct(of('one_over_floor')),
        two_over_floor: spreadPct(of('two_over_floor')),
        retention_over_one: spreadPct(of('retention_over_one')),
      },
      max_rows: RETAINED_ROWS,
      rows_left: retainedRows,
      spans_sent: SENDERS * BATCHES * SPANS_PER_BATCH,
      spans_stored: { one: Math.min(...rounds.map((r) => r.stored.one)), two: Math.min(...rounds.map((r) => r.stored.two)) },
      live_delay: live,
      big: { spans: BIG_SPANS, traces: BIG_SPANS / SPANS_PER_TRACE, fill_seconds: fillSeconds, list },
    };
  } finally {
    for (const child of children) child.kill('SIGINT');
    await cluster.destroy();
  }
}

/** Runs the section and prints its table and targets (the one line in run.mjs calls this). */
export async function reportPgIngest(results, target) {
  console.log(
    `\nPostgreSQL: JSONL batches of ${SPANS_PER_BATCH * 2} records, ${SENDERS} senders, one and two instances on one database, bare INSERT floor; trace list on ${fmt(BIG_SPANS)} spans ...`,
  );
  const r = await pgIngest();
  results.postgres = r;
  console.table(
    Object.fromEntries(
      r.rounds.map((round, n) => [
        `round ${n + 1}`,
        {
          'floor rec/s': fmt(round.floor.records_per_s),
          '1 instance rec/s': fmt(round.one_instance.records_per_s),
          '2 instances rec/s': fmt(round.two_instances.records_per_s),
          'retention rec/s': fmt(round.with_retention.records_per_s),
          '1 / floor': fmt(round.one_over_floor, 2),
          '2 / floor': fmt(round.two_over_floor, 2),
          'retention / 1': fmt(round.retention_over_one, 2),
        },
      ]),
    ),
  );
  console.log(
    `medians over ${r.rounds.length} rounds: 1 instance ${fmt(r.one_instance)} records/s, 2 instances ${fmt(r.two_instances)}, with retention ${fmt(r.with_retention)}, floor ${fmt(r.floor)}`,
  );
  console.log(
    `ratios: 1 instance / floor ${fmt(r.one_over_floor, 2)} (spread ${fmt(r.spread_pct.one_over_floor)} %), 2 instances / floor ${fmt(r.two_over_floor, 2)} (${fmt(r.spread_pct.two_over_floor)} %), retention / 1 instance ${fmt(r.retention_over_one, 2)} (${fmt(r.spread_pct.retention_over_one)} %)`,
  );
  console.log(
    `spans sent per round ${fmt(r.spans_sent)}, stored (fewest of any round) ${fmt(r.spans_stored.one)} and ${fmt(r.spans_stored.two)}; retention left ${fmt(r.rows_left)} rows (at most ${fmt(r.max_rows)} kept)`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(r.big.list).map(([name, m]) => [
        `GET /api/traces ${name.replace('_', ' ')}`,
        { 'p50 ms': fmt(m.p50_ms, 2), 'p99 ms': fmt(m.p99_ms, 2), 'max ms': fmt(m.max_ms, 2), requests: m.samples },
      ]),
    ),
  );
  console.log(
    `live update, ingest on instance A -> SSE event on instance B: p50 ${fmt(r.live_delay.p50_ms, 1)} ms, p99 ${fmt(r.live_delay.p99_ms, 1)} ms (${r.live_delay.samples} updates)`,
  );
  target('PostgreSQL ingest, 1 instance vs bare INSERT floor', r.one_over_floor, '>= 0.5x', r.one_over_floor >= 0.5);
  target('PostgreSQL ingest, 2 instances vs bare INSERT floor', r.two_over_floor, '>= 0.5x', r.two_over_floor >= 0.5);
  target('PostgreSQL ingest with retention running vs without', r.retention_over_one, '>= 0.8x', r.retention_over_one >= 0.8);
  target(
    'PostgreSQL ingest loses nothing (1 and 2 instances)',
    Math.min(r.spans_stored.one, r.spans_stored.two),
    `= ${r.spans_sent} spans`,
    r.spans_stored.one === r.spans_sent && r.spans_stored.two === r.spans_sent,
  );
  target(`PostgreSQL trace list p99 on ${fmt(BIG_SPANS)} spans`, r.big.list.first_page.p99_ms, '< 100 ms', r.big.list.first_page.p99_ms < 100);
}
