// Runs in its own process: `node sqliteFill.mjs DB SPANS` fills a fresh trace database (the server's own schema,
// created by opening a SqliteTraceStore on DB) with SPANS ended spans in traces of 10, in one statement each for
// spans and traces, as the PostgreSQL section's fill does: 20 span names, 5 services, one span in 997 failed, a
// tenant attribute of 100 values. Prints the seconds it took.
import Database from 'better-sqlite3';
import { SqliteTraceStore } from '@aitrace/server';

const [path, count] = process.argv.slice(2);
const spans = Number(count);
const started = process.hrtime.bigint();
new SqliteTraceStore({ path }).close();
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.exec(`
WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < ${spans - 1})
INSERT INTO spans (trace_id, span_id, parent_span_id, time_us, start_us, end_us, duration_ms, name, event, type, status, service, level, record, attrs)
SELECT printf('%032x', n / 10), printf('%016x', n), CASE WHEN n % 10 = 0 THEN NULL ELSE printf('%016x', n - n % 10) END,
  1767225600000000 + n * 1000 + 500, 1767225600000000 + n * 1000, 1767225600000000 + n * 1000 + 500, 0.5, 'op' || (n % 20), 'op' || (n % 20) || '.end',
  'span_end', CASE WHEN n % 997 = 0 THEN 'error' ELSE 'ok' END, 'svc' || (n % 5), NULL, '{"type":"span_end"}', '{"row":' || n || ',"tenant":"t' || (n % 100) || '"}'
FROM g;
INSERT INTO traces (trace_id, root_span_id, root_name, root_parentless, root_start_us, service, start_us, end_us, last_us, span_count, error_count, running_count, record_count)
SELECT trace_id, min(span_id), 'op0', 1, min(start_us), 'svc0', min(start_us), max(end_us), max(time_us), count(*), sum(status = 'error'), 0, count(*)
FROM spans GROUP BY trace_id;
ANALYZE;
`);
db.close();
process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e9}\n`);
