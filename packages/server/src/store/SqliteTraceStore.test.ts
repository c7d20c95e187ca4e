import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endLine, logLine, normalized, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { SCHEMA_VERSION, SQLITE_SCHEMA } from './sqliteSchema.js';
import { SqliteTraceStore } from './SqliteTraceStore.js';

// What every store does is tested in TraceStore.test.ts, against SQLite and PostgreSQL; here is what only SQLite has.
describe('SqliteTraceStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const trace = traceIdOf(1);
  const root = { trace, span: spanIdOf(1), name: 'GET /users', startMs: 0, endMs: 50, service: 'api', attrs: { 'http.route': '/users' } };

  /** A database of an older schema: today's without the columns added since, at that user_version. */
  function oldDatabase(path: string, version: number, newerColumns: RegExp): void {
    const db = new Database(path);
    db.exec(
      SQLITE_SCHEMA.split('\n')
        .filter((line) => !newerColumns.test(line))
        .join('\n')
        .replace(/,\n\)/g, '\n)'),
    );
    db.pragma(`user_version = ${version}`);
    db.close();
  }

  it('upgrades a schema-1 database in place, and filters by the resource columns it adds', async () => {
    const path = join(dir, 'v1.db');
    oldDatabase(path, 1, /service_version|environment|genai|_tokens|models|conversations|record_key/);
    const store = new SqliteTraceStore({ path });
    const withResource = (line: string, resource: Record<string, unknown>) => ({ ...normalized(line), resource });
    await store.ingest([withResource(endLine(root), { 'service.version': '2.4.1', 'deployment.environment.name': 'staging' })]);
    expect((await store.listTraces({ serviceVersion: '2.4.1' })).traces.map((t) => t.traceId)).toEqual([trace]);
    await store.close();
  });

  it('upgrades a schema-2 database in place, keeping its logs and storing a retried log once from then on', async () => {
    const path = join(dir, 'v2.db');
    oldDatabase(path, 2, /genai|_tokens|models|conversations|record_key/);
    const v2 = new Database(path);
    v2.prepare("INSERT INTO records (trace_id, time_us, event, type, record, attrs) VALUES (NULL, 1, 'old', 'log', '{}', '{}')").run();
    v2.close();
    const store = new SqliteTraceStore({ path });
    const log = normalized(logLine('retried', 5, { attrs: { n: 1 } }));
    await store.ingest([log]);
    await store.ingest([log]);
    expect(await store.countRows()).toBe(2);
    await store.close();
    expect(new Database(path).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('upgrades a schema-4 database: drops the indexes no query uses, keeps version and environment indexed where set', async () => {
    const path = join(dir, 'v4.db');
    const v4 = new Database(path);
    // Schema 4's indexes that schema 5 drops or makes partial, over today's tables.
    v4.exec(
      SQLITE_SCHEMA.split('\n')
        .filter((line) => !/^CREATE INDEX .*(service_version|environment)/.test(line))
        .join('\n'),
    );
    v4.exec(`CREATE INDEX spans_span_id ON spans (span_id); CREATE INDEX spans_parent ON spans (parent_span_id);
      CREATE INDEX spans_status ON spans (status, trace_id); CREATE INDEX spans_type ON spans (type);
      CREATE INDEX records_span ON records (span_id); CREATE INDEX records_event ON records (event);
      CREATE INDEX spans_service_version ON spans (service_version, trace_id); CREATE INDEX spans_environment ON spans (environment, trace_id);
      CREATE INDEX records_service_version ON records (service_version, trace_id); CREATE INDEX records_environment ON records (environment, trace_id);`);
    v4.pragma('user_version = 4');
    v4.close();
    const store = new SqliteTraceStore({ path });
    await store.ingest([{ ...normalized(endLine(root)), resource: { 'service.version': '2.4.1', 'deployment.environment.name': 'staging' } }]);
    expect((await store.listTraces({ serviceVersion: '2.4.1', environment: 'staging' })).traces.map((t) => t.traceId)).toEqual([trace]);
    await store.close();
    const db = new Database(path);
    const indexes = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all();
    for (const gone of ['spans_span_id', 'spans_parent', 'spans_status', 'spans_type', 'records_span', 'records_event'])
      expect(indexes.map((index) => index.name)).not.toContain(gone);
    for (const partial of ['spans_service_version', 'spans_environment', 'records_service_version', 'records_environment'])
      expect(indexes.find((index) => index.name === partial)?.sql).toMatch(/WHERE \w+ IS NOT NULL$/);
    // A version filter still finds its spans through the partial index (`=` implies IS NOT NULL).
    const plan = db
      .prepare<[string], { detail: string }>('EXPLAIN QUERY PLAN SELECT trace_id FROM spans WHERE service_version = ?')
      .all('2.4.1')
      .map((row) => row.detail)
      .join('\n');
    expect(plan).toMatch(/USING (COVERING )?INDEX spans_service_version/);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('works in memory', async () => {
    const memory = new SqliteTraceStore({ path: ':memory:' });
    await memory.ingest(spanLines(root).map(normalized));
    expect((await memory.listTraces({})).traces).toHaveLength(1);
    await memory.close();
    await expect(memory.countRows()).rejects.toThrow(/closed/);
  });

  it('names the file when the database cannot be opened', () => {
    expect(() => new SqliteTraceStore({ path: join(dir, 'missing-dir', 'x.db') })).toThrow(/cannot open the trace database ".*missing-dir.*x\.db"/);
  });
});
