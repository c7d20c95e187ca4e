import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../../../scripts/postgres.mjs';
import { describeListQueries } from '../testing/listQueryContract.js';
import { PgTraceStore } from './PgTraceStore.js';
import { SqliteTraceStore } from './SqliteTraceStore.js';

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

// A private cluster for this file, a fresh database per test.
let cluster: PostgresCluster;
let databases = 0;
beforeAll(async () => void (cluster = await startPostgres()));
afterAll(() => cluster.destroy());

describeListQueries('PgTraceStore', async () => {
  const store = await PgTraceStore.open({ url: await cluster.createDatabase(`lists_${++databases}`) });
  return { store, dispose: () => store.close() };
});
