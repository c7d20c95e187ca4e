import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedRecord } from '@aitrace/format';
import { buildSpanForest } from '@aitrace/forest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../../../scripts/postgres.mjs';
import { endLine, logLine, normalized, spanIdOf, spanLines, startLine, T0_US, traceIdOf } from '@aitrace/testing';
import { PgTraceStore } from './PgTraceStore.js';
import { SqliteTraceStore } from './SqliteTraceStore.js';
import type { TraceQuery, TraceStore } from './TraceStore.js';

const DAY_US = 86_400_000_000;

/** Makes empty databases of one kind; `open` opens (or reopens) a store on the current one. */
interface StoreKind {
  name: string;
  setUp(): Promise<void>;
  fresh(): Promise<void>;
  open(): Promise<TraceStore>;
  tearDown(): Promise<void>;
}

function sqliteKind(): StoreKind {
  let dir = '';
  return {
    name: 'SQLite',
    setUp: () => Promise.resolve(void (dir = mkdtempSync(join(tmpdir(), 'aitrace-store-')))),
    fresh: () => Promise.resolve(void rmSync(join(dir, 'traces.db'), { force: true })),
    open: () => Promise.resolve(new SqliteTraceStore({ path: join(dir, 'traces.db') })),
    tearDown: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

function postgresKind(): StoreKind {
  let cluster: PostgresCluster;
  let url = '';
  let databases = 0;
  return {
    name: 'PostgreSQL',
    setUp: async () => void (cluster = await startPostgres()),
    fresh: async () => void (url = await cluster.createDatabase(`store_${++databases}`)),
    open: () => PgTraceStore.open({ url }),
    tearDown: () => cluster.destroy(),
  };
}

describe.each([sqliteKind(), postgresKind()])('TraceStore on $name', (kind) => {
  let store: TraceStore;
  beforeAll(() => kind.setUp());
  afterAll(() => kind.tearDown());
  beforeEach(async () => {
    await kind.fresh();
    store = await kind.open();
  });
  afterEach(() => store.close());

  const trace = traceIdOf(1);
  const root = { trace, span: spanIdOf(1), name: 'GET /users', startMs: 0, endMs: 50, service: 'api', attrs: { 'http.route': '/users' } };
  const child = {
    trace,
    span: spanIdOf(2),
    parent: spanIdOf(1),
    name: 'db.query',
    startMs: 10,
    endMs: 40,
    service: 'api',
    attrs: { 'db.statement': 'select 1' },
  };
  const ids = async (query: TraceQuery) => (await store.listTraces(query)).traces.map((t) => t.traceId);

  it('stores a provisional start as running, then replaces it with its end and keeps the start attributes', async () => {
    await store.ingest([normalized(startLine({ ...root, attrs: { 'http.route': '/users', phase: 'start' } }))]);
    let summary = await store.getTraceSummary(trace);
    expect(summary).toMatchObject({ rootName: 'GET /users', spanCount: 1, runningCount: 1, endUs: null, durationMs: null });
    let records = await store.getTraceRecords(trace);
    expect(records.map((r) => r.type)).toEqual(['span_start']);

    await store.ingest([normalized(endLine({ ...root, endAttrs: { 'http.status_code': 200, phase: 'end' } }))]);
    summary = await store.getTraceSummary(trace);
    expect(summary).toMatchObject({ spanCount: 1, runningCount: 0, errorCount: 0, startUs: T0_US, endUs: T0_US + 50_000, durationMs: 50 });
    records = await store.getTraceRecords(trace);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'span_end', provisional: false, status: 'ok', durationMs: 50 });
    expect(records[0]!.attrs).toEqual({ 'http.route': '/users', 'http.status_code': 200, phase: 'end' });
  });

  it('keeps an end that arrived before its start, merging the late start attributes under it', async () => {
    await store.ingest([normalized(endLine({ ...child, endAttrs: { rows: 3 } }))]);
    await store.ingest([normalized(startLine(child))]);
    const records = await store.getTraceRecords(trace);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'span_end', parentSpanId: spanIdOf(1) });
    expect(records[0]!.attrs).toEqual({ 'db.statement': 'select 1', rows: 3 });
    expect(await store.getTraceSummary(trace)).toMatchObject({ spanCount: 1, runningCount: 0 });
  });

  it('returns records that buildSpanForest turns into the same tree as the file', async () => {
    const lines = [...spanLines(root), ...spanLines(child), logLine('cache.miss', 20, { trace, span: child.span })];
    await store.ingest(lines.map(normalized));
    const records = await store.getTraceRecords(trace);
    expect((await store.getTraceRecordsJson(trace)).map((text) => JSON.parse(text) as unknown)).toEqual(records);
    const forest = buildSpanForest(records);
    expect(forest.traces).toHaveLength(1);
    const tree = forest.traces[0]!;
    expect(tree.roots.map((r) => r.name)).toEqual(['GET /users']);
    expect(tree.roots[0]!.children.map((c) => c.name)).toEqual(['db.query']);
    expect(tree.roots[0]!.children[0]!.logs.map((l) => l.event)).toEqual(['cache.miss']);
    expect(await store.getTraceSummary(trace)).toMatchObject({ spanCount: 2, recordCount: 3, rootSpanId: spanIdOf(1) });
    // In start order a span sits at its start: the root, then its child, then the log written inside the child.
    const byStart = (await store.getTraceRecordsJson(trace, 'start')).map((text) => JSON.parse(text) as NormalizedRecord);
    expect(byStart.map((r) => r.event)).toEqual(['GET /users.end', 'db.query.end', 'cache.miss']);
    expect(new Set(byStart.map((r) => JSON.stringify(r)))).toEqual(new Set(records.map((r) => JSON.stringify(r))));
  });

  it('reads a big trace in chunks, in start order, and a reader that stops early holds nothing up', async () => {
    const spans = Array.from({ length: 2500 }, (_, n) => ({ trace, span: spanIdOf(n + 1), name: `step ${n}`, startMs: n, endMs: n + 5000 - 2 * n }));
    await store.ingest(spans.map((span) => normalized(endLine(span))));
    const chunks: string[][] = [];
    for await (const chunk of store.traceRecordsJsonChunks(trace, 'start')) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.length)).toEqual([1000, 1000, 500]);
    expect(chunks.flat()).toEqual(await store.getTraceRecordsJson(trace, 'start'));
    expect(chunks.flat().map((text) => (JSON.parse(text) as NormalizedRecord).name)).toEqual(spans.map((span) => span.name));
    for await (const chunk of store.traceRecordsJsonChunks(trace, 'start')) {
      expect(chunk).toHaveLength(1000);
      // Ingest goes on while a reader is paused in the middle of a trace.
      await store.ingest([normalized(endLine({ trace, span: spanIdOf(9999), name: 'late', startMs: 9000, endMs: 9001 }))]);
      break;
    }
    expect((await store.getTraceSummary(trace))?.spanCount).toBe(2501);
  });

  it('stores a retried batch once: spans, span events and logs, and the trace summary, unchanged by the repeat', async () => {
    const batch = [
      ...spanLines(root),
      startLine(child),
      logLine('cache.miss', 20, { trace, span: child.span, attrs: { key: 'u:1' } }),
      logLine('cache.miss', 20, { trace, span: child.span, attrs: { key: 'u:2' } }),
      logLine('no trace', 5),
    ].map(normalized);
    const first = await store.ingest(batch);
    expect(first.records).toHaveLength(5);
    const summary = await store.getTraceSummary(trace);
    const records = await store.getTraceRecordsJson(trace);
    const again = await store.ingest(batch);
    expect(again.accepted).toBe(batch.length);
    expect(await store.countRows()).toBe(5);
    expect(await store.getTraceSummary(trace)).toEqual(summary);
    expect(await store.getTraceRecordsJson(trace)).toEqual(records);
    // The end arriving later still completes the span, and a repeat of the whole exchange changes nothing.
    await store.ingest([normalized(endLine(child))]);
    await store.ingest([...batch, normalized(endLine(child))]);
    expect(await store.countRows()).toBe(5);
    expect(await store.getTraceSummary(trace)).toMatchObject({ spanCount: 2, runningCount: 0, recordCount: 4 });
  });

  it('prefers a parentless span as root even when an orphan started earlier', async () => {
    const orphan = { trace, span: spanIdOf(7), parent: spanIdOf(99), name: 'orphan', startMs: 0, endMs: 1 };
    await store.ingest(spanLines(orphan).map(normalized));
    expect((await store.getTraceSummary(trace))?.rootName).toBe('orphan');
    await store.ingest(spanLines({ ...root, startMs: 5 }).map(normalized));
    expect((await store.getTraceSummary(trace))?.rootName).toBe('GET /users');
  });

  it('counts errors and running spans per trace and filters by status', async () => {
    const failing = { trace: traceIdOf(2), span: spanIdOf(3), name: 'charge', startMs: 100, endMs: 120, status: 'error' as const };
    const running = { trace: traceIdOf(3), span: spanIdOf(4), name: 'poll', startMs: 200 };
    await store.ingest([...spanLines(root), ...spanLines(failing), ...spanLines(running)].map(normalized));
    expect(await ids({ status: 'error' })).toEqual([traceIdOf(2)]);
    expect(await ids({ status: 'running' })).toEqual([traceIdOf(3)]);
    expect(await ids({ status: 'ok' })).toEqual([trace]);
    expect((await store.getTraceSummary(traceIdOf(2)))?.errorCount).toBe(1);
  });

  it('filters by service, name, time range, attribute and text, treating injection strings as plain values', async () => {
    const other = {
      trace: traceIdOf(2),
      span: spanIdOf(5),
      name: 'worker.run',
      startMs: 1000,
      endMs: 1100,
      service: 'worker',
      attrs: { job: "x' OR 1=1 --", retries: 2, ok: true, nested: { deep: 'Needle' } },
    };
    await store.ingest([...spanLines(root), ...spanLines(child), ...spanLines(other)].map(normalized));
    expect(await ids({ service: 'worker' })).toEqual([traceIdOf(2)]);
    expect(await ids({ name: 'db.query' })).toEqual([trace]);
    expect(await ids({ fromUs: T0_US + 500_000 })).toEqual([traceIdOf(2)]);
    expect(await ids({ toUs: T0_US + 500_000 })).toEqual([trace]);
    expect(await ids({ attrs: [{ key: 'http.route', value: '/users' }] })).toEqual([trace]);
    expect(
      await ids({
        attrs: [
          { key: 'retries', value: '2' },
          { key: 'ok', value: 'true' },
        ],
      }),
    ).toEqual([traceIdOf(2)]);
    expect(await ids({ attrs: [{ key: 'retries', value: '2.0' }] })).toEqual([]);
    expect(await ids({ attrs: [{ key: 'nested', value: '{"deep":"Needle"}' }] })).toEqual([traceIdOf(2)]);
    expect(await ids({ attrs: [{ key: 'nested', value: '{}' }] })).toEqual([]);
    expect(await ids({ attrs: [{ key: 'job', value: "x' OR 1=1 --" }] })).toEqual([traceIdOf(2)]);
    expect(await ids({ q: 'select 1' })).toEqual([trace]);
    expect(await ids({ q: 'WORKER.RUN' })).toEqual([traceIdOf(2)]);
    expect(await ids({ q: 'needle' })).toEqual([traceIdOf(2)]);
    expect(await ids({ q: 'deep' })).toEqual([traceIdOf(2)]);
    for (const hostile of ["' OR '1'='1", '%', '_', '"; DROP TABLE spans; --', "') OR 1=1 --", '\\', '\0']) {
      expect(await ids({ service: hostile })).toEqual([]);
      expect(await ids({ name: hostile })).toEqual([]);
      expect(await ids({ q: hostile })).toEqual([]);
      expect(await ids({ attrs: [{ key: hostile, value: hostile }] })).toEqual([]);
    }
    expect(await store.countRows()).toBe(3);
  });

  it('stores and finds user data holding NUL characters and quotes', async () => {
    const odd = { trace: traceIdOf(4), span: spanIdOf(8), name: 'odd\0name', startMs: 0, endMs: 1, attrs: { 'k\0': 'a\0b', quote: 'say "hi"' } };
    await store.ingest(spanLines(odd).map(normalized));
    const [record] = await store.getTraceRecords(traceIdOf(4));
    expect(record?.attrs).toEqual({ 'k\0': 'a\0b', quote: 'say "hi"' });
    expect(record?.name).toBe('odd\0name');
    expect(await ids({ q: 'say "hi"' })).toEqual([traceIdOf(4)]);
    expect(await ids({ attrs: [{ key: 'quote', value: 'say "hi"' }] })).toEqual([traceIdOf(4)]);
  });

  it('stores spans and logs whose names and services hold lone surrogates, keeping the records as sent', async () => {
    const odd = { trace: traceIdOf(5), span: spanIdOf(9), name: 'lone\ud800name', startMs: 0, endMs: 1, service: 'svc\udc00', attrs: { text: 'a\udbffb' } };
    const log = logLine('lone\udfffevent', 1, { trace: traceIdOf(5), span: spanIdOf(9), service: 'svc\udc00\0', attrs: { text: 'c\ud800' } });
    const stored = await store.ingest([...spanLines(odd), log].map(normalized));
    expect(stored.records).toHaveLength(2);
    const records = await store.getTraceRecords(traceIdOf(5));
    expect(records.map((r) => [r.name ?? r.event, r.attrs])).toEqual([
      ['lone\ud800name', { text: 'a\udbffb' }],
      ['lone\udfffevent', { text: 'c\ud800' }],
    ]);
    expect(await ids({ name: 'lone\ud800name' })).toEqual([traceIdOf(5)]);
    expect(await ids({ service: 'svc\udc00' })).toEqual([traceIdOf(5)]);
  });

  it('pages newest first with a cursor and rejects a forged cursor', async () => {
    for (let i = 0; i < 5; i++)
      await store.ingest(spanLines({ trace: traceIdOf(10 + i), span: spanIdOf(i + 1), name: `t${i}`, startMs: i, endMs: i + 1 }).map(normalized));
    const first = await store.listTraces({ limit: 2 });
    expect(first.traces.map((t) => t.rootName)).toEqual(['t4', 't3']);
    const second = await store.listTraces({ limit: 2, cursor: first.nextCursor! });
    expect(second.traces.map((t) => t.rootName)).toEqual(['t2', 't1']);
    const third = await store.listTraces({ limit: 2, cursor: second.nextCursor! });
    expect(third.traces.map((t) => t.rootName)).toEqual(['t0']);
    expect(third.nextCursor).toBeNull();
    await expect(store.listTraces({ cursor: "'; DROP TABLE traces" })).rejects.toThrow(/cursor is not valid/);
    await expect(store.listTraces({ limit: 0 })).rejects.toThrow(/limit must be/);
  });

  it('computes per-name statistics with p50, p95 and max of ended spans', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 20; i++)
      lines.push(...spanLines({ trace: traceIdOf(100 + i), span: spanIdOf(i), name: 'work', startMs: 0, endMs: i, status: i === 20 ? 'error' : 'ok' }));
    lines.push(startLine({ trace: traceIdOf(200), span: spanIdOf(50), name: 'work', startMs: 0 }));
    lines.push(...spanLines({ trace: traceIdOf(201), span: spanIdOf(51), name: 'other', startMs: 0, endMs: 3 }));
    await store.ingest(lines.map(normalized));
    expect(await store.spanStats({})).toEqual([
      { name: 'work', count: 21, errors: 1, running: 1, p50Ms: 10, p95Ms: 19, maxMs: 20 },
      { name: 'other', count: 1, errors: 0, running: 0, p50Ms: 3, p95Ms: 3, maxMs: 3 },
    ]);
    expect(await store.spanStats({ fromUs: T0_US + 1 })).toEqual([]);
  });

  it('applies retention by age and by row count, deleting whole traces oldest first', async () => {
    for (let i = 0; i < 4; i++) {
      const id = traceIdOf(300 + i);
      await store.ingest(
        [
          ...spanLines({ trace: id, span: spanIdOf(i + 1), name: `t${i}`, startMs: (i * DAY_US) / 1000, endMs: (i * DAY_US) / 1000 + 5 }),
          logLine('note', (i * DAY_US) / 1000 + 1, { trace: id }),
        ].map(normalized),
      );
    }
    await store.ingest([normalized(logLine('no trace', 0))]);
    expect(await store.countRows()).toBe(9);
    // Now is day 3.5: a 2-day limit keeps the traces of days 2 and 3.
    const byAge = await store.applyRetention({ maxAgeDays: 2 }, T0_US + 3.5 * DAY_US);
    expect(byAge).toEqual({ deletedTraces: 2, deletedRows: 5 });
    expect((await store.listTraces({})).traces.map((t) => t.rootName)).toEqual(['t3', 't2']);
    const byRows = await store.applyRetention({ maxRows: 3 }, T0_US + 3.5 * DAY_US);
    expect(byRows).toEqual({ deletedTraces: 1, deletedRows: 2 });
    expect((await store.listTraces({})).traces.map((t) => t.rootName)).toEqual(['t3']);
    expect(await store.getTraceRecords(traceIdOf(302))).toEqual([]);
  });

  it('keeps everything across a reopen, with the source cursor saved in the same transaction', async () => {
    const cursor = { fileId: '1:2', path: '/x/trace.jsonl', offset: 120, line: 3, headHash: 'ab', headLength: 120 };
    await store.ingest(spanLines(root).map(normalized), cursor);
    await store.close();
    store = await kind.open();
    expect(await store.getTraceSummary(trace)).toMatchObject({ spanCount: 1, runningCount: 0 });
    expect(await store.getSourceCursor('1:2')).toEqual(cursor);
    expect(await store.getSourceCursor('9:9')).toBeUndefined();
  });

  it('writes nothing of a batch that fails part way', async () => {
    const good = normalized(startLine(root));
    const broken = { ...normalized(logLine('x', 1)), attrs: { self: {} as Record<string, unknown> } };
    broken.attrs.self = broken.attrs; // a cycle JSON.stringify cannot write
    await expect(store.ingest([good, broken])).rejects.toThrow();
    expect(await store.countRows()).toBe(0);
    expect(await store.getTraceSummary(trace)).toBeUndefined();
  });

  it('filters traces and stats by service version and environment', async () => {
    const other = { ...root, trace: traceIdOf(2), span: spanIdOf(3) };
    const withResource = (line: string, resource: Record<string, unknown>) => ({ ...normalized(line), resource });
    await store.ingest([
      withResource(endLine(root), { 'service.version': '2.4.1', 'deployment.environment.name': 'staging' }),
      withResource(endLine(other), { 'service.version': '2.5.0', 'deployment.environment': 'production' }),
    ]);
    expect(await ids({ serviceVersion: '2.4.1' })).toEqual([trace]);
    expect(await ids({ environment: 'production' })).toEqual([other.trace]);
    expect(await ids({ environment: 'staging', serviceVersion: '2.5.0' })).toEqual([]);
    expect((await store.spanStats({ environment: 'staging' })).map((s) => s.count)).toEqual([1]);
    expect((await store.getTraceRecords(trace))[0]?.resource).toEqual({ 'service.version': '2.4.1', 'deployment.environment.name': 'staging' });
  });

  it('refuses calls once closed, and closes twice without error', async () => {
    await store.close();
    await store.close();
    await expect(store.countRows()).rejects.toThrow(/closed/);
    store = await kind.open();
  });
});
