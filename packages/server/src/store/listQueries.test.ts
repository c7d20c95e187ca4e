import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../../../scripts/postgres.mjs';
import { describeListQueries } from '../testing/listQueryContract.js';
import { PgTraceStore } from './PgTraceStore.js';
import { QueryError } from './QueryError.js';
import { SqliteTraceStore } from './SqliteTraceStore.js';
import { encodeLogCursor } from './traceCursor.js';

describeListQueries('SqliteTraceStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-lists-'));
  const store = new SqliteTraceStore({ path: join(dir, 'traces.db') });
  return Promise.resolve({
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

// A private cluster for this file, a fresh database per test. Its databases sort text by a language (ICU en-US, where
// `charge` comes before `GET /users`), as a team's often do: the answers must still be SQLite's, in byte order.
let cluster: PostgresCluster;
let databases = 0;
beforeAll(async () => void (cluster = await startPostgres()));
afterAll(() => cluster.destroy());

describeListQueries('PgTraceStore', async () => {
  const store = await PgTraceStore.open({ url: await cluster.createDatabase(`lists_${++databases}`, { icuLocale: 'en-US' }) });
  return { store, dispose: () => store.close() };
});

it('PgTraceStore refuses a log cursor whose row id is not a number as a bad query, not a database error', async () => {
  const store = await PgTraceStore.open({ url: await cluster.createDatabase('lists_cursor') });
  try {
    for (const id of ['1; DROP TABLE records', '12', 1.5]) {
      await expect(store.listLogs({ cursor: encodeLogCursor({ timeUs: 1, id, order: 'desc' }) })).rejects.toThrow(QueryError);
    }
  } finally {
    await store.close();
  }
});
