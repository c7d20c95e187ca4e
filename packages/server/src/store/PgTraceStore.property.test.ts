import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../../../scripts/postgres.mjs';
import { PgTraceStore } from './PgTraceStore.js';
import { checkTraceQueryProperty } from './testing/traceQueryProperty.js';

describe('PgTraceStore and the reference trace-query matcher', () => {
  let cluster: PostgresCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('property');
  });
  afterAll(() => cluster.destroy());

  it('list exactly the same traces and summaries for random records and queries', async () => {
    // One database, emptied before each run (a new database per run would take most of the time).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await checkTraceQueryProperty(
        async () => {
          const store = await PgTraceStore.open({ url });
          await admin.query('TRUNCATE spans, records, traces, sources');
          return store;
        },
        (store) => store.close(),
      );
    } finally {
      await admin.end();
    }
  }, 300_000);
});
