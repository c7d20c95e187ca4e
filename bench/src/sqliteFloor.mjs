// Runs in its own process: `node sqliteFloor.mjs DB` times bare better-sqlite3 writes of the server ingest's
// batches into the server's own schema (created by opening a SqliteTraceStore on DB), with the server's pragmas:
// (a) each record upserted as it comes, start then end, one transaction per batch of 500 records; (b) one row
// per span, start and end already merged, inserted the same way. The rows are built before the clock starts, so
// only SQLite's work is timed. Prints {"upsert_records_per_s", "merged_records_per_s"} as JSON.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { normalizeRecord } from '@aitrace/format';
import { SqliteTraceStore } from '@aitrace/server';
import { batchBody, BATCHES, SENDERS } from './server.mjs';

const COLUMNS = 'trace_id, span_id, parent_span_id, time_us, start_us, end_us, duration_ms, name, event, type, status, service, level, record, attrs';
const UPSERT = `INSERT INTO spans (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (trace_id, span_id) DO UPDATE SET time_us = excluded.time_us, end_us = excluded.end_us, duration_ms = excluded.duration_ms,
  event = excluded.event, type = excluded.type, status = excluded.status, record = excluded.record, attrs = excluded.attrs`;

/** A record's row, as the server's columns hold it (JSON text for the record and its attributes). */
function row(record, startUs) {
  const { attrs, ...rest } = record;
  const end = record.type === 'span_end';
  const values = [record.traceId, record.spanId, record.parentSpanId ?? null, record.timeUs, startUs, end ? record.timeUs : null];
  values.push(record.durationMs ?? null, record.name, record.event, record.type, record.status ?? null, record.service ?? null, null);
  values.push(JSON.stringify(rest), JSON.stringify(attrs));
  return values;
}

const batches = [];
for (let n = 0; n < BATCHES; n++) {
  for (let s = 0; s < SENDERS; s++) {
    const records = String(batchBody(s, n))
      .trimEnd()
      .split('\n')
      .map((line) => normalizeRecord(JSON.parse(line)).record);
    const starts = new Map(records.filter((r) => r.type === 'span_start').map((r) => [r.spanId, r.timeUs]));
    batches.push({
      records: records.length,
      upserts: records.map((r) => row(r, starts.get(r.spanId) ?? r.timeUs)),
      merged: records.filter((r) => r.type === 'span_end').map((r) => row(r, starts.get(r.spanId) ?? r.timeUs)),
    });
  }
}

function timed(path, kind) {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  new SqliteTraceStore({ path }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const statement = db.prepare(UPSERT);
  const write = db.transaction((rows) => {
    for (const values of rows) statement.run(values);
  });
  const started = process.hrtime.bigint();
  for (const batch of batches) write(batch[kind]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return batches.reduce((n, batch) => n + batch.records, 0) / seconds;
}

const [path] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify({ upsert_records_per_s: timed(path, 'upserts'), merged_records_per_s: timed(path, 'merged') })}\n`);
