import { describe, it } from 'vitest';
import { SqliteTraceStore } from './SqliteTraceStore.js';
import { checkTraceQueryProperty } from './testing/traceQueryProperty.js';

describe('SqliteTraceStore and the reference trace-query matcher', () => {
  it('list exactly the same traces and summaries for random records and queries', async () => {
    await checkTraceQueryProperty(
      () => Promise.resolve(new SqliteTraceStore({ path: ':memory:' })),
      (store) => store.close(),
    );
  }, 120_000);
});
