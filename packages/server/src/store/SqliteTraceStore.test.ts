import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endLine, logLine, normalized, spanIdOf, spanLines, traceIdOf } from '@aitrace/testing';
import { SQLITE_SCHEMA } from './sqliteSchema.js';
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
    expect(new Database(path).pragma('user_version', { simple: true })).toBe(4);
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
