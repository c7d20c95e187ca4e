// Child of longLines.mjs: watches a directory with the server's TraceWatcher until the record logged after the
// long line is stored, then prints what it stored and the problems it was told about.
import { SqliteTraceStore, TraceWatcher } from '@aitrace/server';

const [dir, dbPath] = process.argv.slice(2);
const store = new SqliteTraceStore({ path: dbPath });
const problems = [];
const watcher = new TraceWatcher({
  paths: [dir],
  ingest: (records, cursor) => store.ingest(records, cursor),
  savedCursor: (fileId) => store.getSourceCursor(fileId),
  intervalMs: 250,
  onProblem: (message) => problems.push(message.slice(0, 200)),
});
await watcher.start();
for (;;) {
  const traces = (await store.listTraces({ limit: 10 })).traces;
  const events = [];
  for (const trace of traces) for (const record of await store.getTraceRecords(trace.traceId)) events.push(record.event);
  if (events.includes('after')) {
    console.log(`stored ${JSON.stringify(events)}; problems ${JSON.stringify(problems)}`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await watcher.close();
await store.close();
