import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeListQueries } from '../testing/listQueryContract.js';
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
