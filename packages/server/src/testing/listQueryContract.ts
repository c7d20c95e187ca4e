import type { LevelName, NormalizedRecord } from '@aitrace/format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryError } from '../store/QueryError.js';
import type { LogQuery, TraceQuery, TraceStore } from '../store/TraceStore.js';
import { logLine, normalized, spanIdOf, spanLines, startLine, T0_US, traceIdOf } from '@aitrace/testing';

/** A store under test and how to dispose of it. */
export interface OpenedStore {
  store: TraceStore;
  dispose(): Promise<void>;
}

const at = (ms: number): number => T0_US + ms * 1000;

function log(event: string, ms: number, level: LevelName, options: Parameters<typeof logLine>[2] = {}): NormalizedRecord {
  return { ...normalized(logLine(event, ms, options)), level };
}

/** Logs in three traces and outside any (pino's `listening`), five of them at one instant, and span events that are not logs. */
function records(): NormalizedRecord[] {
  const [t1, t2, t3] = [traceIdOf(1), traceIdOf(2), traceIdOf(3)];
  const lines = [
    ...spanLines({ trace: t1, span: spanIdOf(1), name: 'GET /users', startMs: 0, endMs: 50, service: 'api' }),
    ...spanLines({ trace: t1, span: spanIdOf(2), parent: spanIdOf(1), name: 'db.query', startMs: 10, endMs: 40, service: 'api' }),
    ...spanLines({
      trace: t2,
      span: spanIdOf(3),
      name: 'POST /pay',
      startMs: 100,
      endMs: 400,
      status: 'error',
      service: 'payments',
      attrs: { 'gen_ai.request.model': 'gpt-x' },
    }),
    ...spanLines({ trace: t2, span: spanIdOf(4), parent: spanIdOf(3), name: 'db.query', startMs: 110, endMs: 120, service: 'payments' }),
    ...spanLines({
      trace: t2,
      span: spanIdOf(5),
      parent: spanIdOf(3),
      name: 'charge',
      startMs: 130,
      endMs: 390,
      status: 'error',
      service: 'payments',
      attrs: { 'gen_ai.request.model': 'small-1', 'gen_ai.response.model': 'gpt-x' },
    }),
    startLine({
      trace: t3,
      span: spanIdOf(6),
      name: 'job.run',
      startMs: 1000,
      service: 'worker',
      attrs: { 'gen_ai.response.model': 'small-1', 'gen_ai.conversation.id': 'conv-7' },
    }),
  ].map(normalized);
  const spanEvent: NormalizedRecord = { ...normalized(logLine('exception', 390, { trace: t2, span: spanIdOf(5), service: 'payments' })), type: 'span_event' };
  return [
    ...lines,
    spanEvent,
    log('listening', 0, 'info', { service: 'api', attrs: { port: 8080, address: '127.0.0.1' } }),
    log('request.start', 5, 'info', { trace: t1, span: spanIdOf(1), service: 'api', attrs: { user: 'Ada "the first"' } }),
    log('Slow Query', 30, 'warn', { trace: t1, span: spanIdOf(2), service: 'api', attrs: { 'db.rows': 1000 } }),
    log('card declined', 200, 'error', { trace: t2, span: spanIdOf(5), service: 'payments', attrs: { code: 'E42', retry: false } }),
    log('background sweep', 500, 'debug', { service: 'worker' }),
    ...[1, 2, 3, 4, 5].map((n) => log(`tick ${n}`, 700, 'trace', { service: 'worker', attrs: { n } })),
    log('job.progress', 1001, 'fatal', { trace: t3, span: spanIdOf(6), service: 'worker', attrs: { done: 10 } }),
  ];
}

/**
 * The log list, facets and trace-list sort that every TraceStore passes unchanged (SQLite, PostgreSQL): run it
 * with a function that opens an empty store.
 */
export function describeListQueries(storeName: string, open: () => Promise<OpenedStore>): void {
  describe(`${storeName}: logs, facets and trace-list sort`, () => {
    let opened: OpenedStore;
    let store: TraceStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.ingest(records());
    });
    afterEach(async () => {
      await opened.dispose();
    });

    const events = async (query: LogQuery): Promise<string[]> => (await store.listLogs(query)).logs.map((record) => record.event);

    it('lists every log, in traces and outside any, newest first, and no span records or span events', async () => {
      const page = await store.listLogs({});
      expect(page.nextCursor).toBeNull();
      expect(page.logs.map((r) => r.event)).toEqual([
        'job.progress',
        'tick 5',
        'tick 4',
        'tick 3',
        'tick 2',
        'tick 1',
        'background sweep',
        'card declined',
        'Slow Query',
        'request.start',
        'listening',
      ]);
      const listening = page.logs.at(-1)!;
      expect(listening).toMatchObject({ type: 'log', level: 'info', service: 'api', timeUs: at(0), attrs: { port: 8080, address: '127.0.0.1' } });
      expect(listening.traceId).toBeUndefined();
      expect(page.logs[7]).toMatchObject({ traceId: traceIdOf(2), spanId: spanIdOf(5), attrs: { code: 'E42', retry: false } });
      expect(await events({ order: 'asc' })).toEqual([
        'listening',
        'request.start',
        'Slow Query',
        'card declined',
        'background sweep',
        'tick 1',
        'tick 2',
        'tick 3',
        'tick 4',
        'tick 5',
        'job.progress',
      ]);
    });

    it('filters logs by text, level, service, time, attributes and trace', async () => {
      expect(await events({ q: 'slow query' })).toEqual(['Slow Query']);
      expect(await events({ q: 'E42' })).toEqual(['card declined']);
      expect(await events({ q: '"the first"' })).toEqual(['request.start']);
      expect(await events({ q: 'address' })).toEqual(['listening']);
      expect(await events({ levels: ['warn', 'error', 'fatal'] })).toEqual(['job.progress', 'card declined', 'Slow Query']);
      expect(await events({ levels: ['debug', 'error'] })).toEqual(['background sweep', 'card declined']);
      expect(await events({ levels: [] })).toEqual([]);
      expect(await events({ service: 'worker', levels: ['debug', 'info'] })).toEqual(['background sweep']);
      expect(await events({ fromUs: at(30), toUs: at(500) })).toEqual(['background sweep', 'card declined', 'Slow Query']);
      expect(await events({ attrs: [{ key: 'db.rows', value: '1000' }] })).toEqual(['Slow Query']);
      expect(
        await events({
          attrs: [
            { key: 'retry', value: 'false' },
            { key: 'code', value: 'E42' },
          ],
        }),
      ).toEqual(['card declined']);
      expect(await events({ attrs: [{ key: 'retry', value: 'true' }] })).toEqual([]);
      expect(await events({ traceId: traceIdOf(1), order: 'asc' })).toEqual(['request.start', 'Slow Query']);
      expect(await events({ traceId: traceIdOf(9) })).toEqual([]);
    });

    it('treats hostile text in every log filter as a plain value', async () => {
      for (const value of ["' OR '1'='1", '%', '_', "x'); DELETE FROM records; --", '\\', '"', '\0']) {
        expect(await events({ q: value, service: value, attrs: [{ key: value, value }] })).toEqual([]);
        expect(await events({ q: value })).toEqual(value === '"' ? ['request.start'] : []);
      }
      expect((await store.listLogs({})).logs).toHaveLength(11);
    });

    it('pages through logs in both orders without repeating or skipping logs of the same instant', async () => {
      for (const order of ['desc', 'asc'] as const) {
        const all = await events({ order });
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listLogs({ order, limit: 2, ...(cursor !== undefined ? { cursor } : {}) });
          seen.push(...page.logs.map((r) => r.event));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor !== undefined);
        expect(seen).toEqual(all);
        expect(pages).toBe(6);
      }
      const first = await store.listLogs({ limit: 3, levels: ['trace'] });
      expect((await store.listLogs({ limit: 3, levels: ['trace'], cursor: first.nextCursor! })).logs.map((r) => r.event)).toEqual(['tick 2', 'tick 1']);
      await expect(store.listLogs({ order: 'asc', cursor: first.nextCursor! })).rejects.toThrow(QueryError);
      await expect(store.listLogs({ cursor: 'not-a-cursor' })).rejects.toThrow(/cursor is not valid/);
      await expect(store.listLogs({ limit: 0 })).rejects.toThrow(/limit must be a whole number from 1 to 1000/);
      await expect(store.listLogs({ limit: 1001 })).rejects.toThrow(QueryError);
    });

    it('counts traces per service, span name, status, model and conversation, each facet ignoring its own filter', async () => {
      const all = await store.traceFacets({});
      expect(all.service).toEqual([
        { value: 'api', count: 1 },
        { value: 'payments', count: 1 },
        { value: 'worker', count: 1 },
      ]);
      expect(all.name).toEqual([
        { value: 'db.query', count: 2 },
        { value: 'GET /users', count: 1 },
        { value: 'POST /pay', count: 1 },
        { value: 'charge', count: 1 },
        { value: 'job.run', count: 1 },
      ]);
      expect(all.status).toEqual([
        { value: 'error', count: 1 },
        { value: 'running', count: 1 },
        { value: 'ok', count: 1 },
      ]);
      // A trace counts under every model it names, request or response (the summary's models).
      expect(all.model).toEqual([
        { value: 'small-1', count: 2 },
        { value: 'gpt-x', count: 1 },
      ]);
      expect(all.conversation).toEqual([{ value: 'conv-7', count: 1 }]);
      expect(all.level).toEqual([]);

      const payments = await store.traceFacets({ service: 'payments', name: 'db.query' });
      expect(payments.service).toEqual([
        { value: 'api', count: 1 },
        { value: 'payments', count: 1 },
      ]);
      expect(payments.name).toEqual([
        { value: 'POST /pay', count: 1 },
        { value: 'charge', count: 1 },
        { value: 'db.query', count: 1 },
      ]);
      expect(payments.status).toEqual([{ value: 'error', count: 1 }]);
      expect(payments.model).toEqual([
        { value: 'gpt-x', count: 1 },
        { value: 'small-1', count: 1 },
      ]);
      const small = await store.traceFacets({ model: 'small-1' });
      expect(small.model).toEqual([
        { value: 'small-1', count: 2 },
        { value: 'gpt-x', count: 1 },
      ]);
      expect(small.service).toEqual([
        { value: 'payments', count: 1 },
        { value: 'worker', count: 1 },
      ]);
      expect((await store.traceFacets({ conversation: 'conv-7' })).name).toEqual([{ value: 'job.run', count: 1 }]);
      const errors = await store.traceFacets({ status: 'error', fromUs: at(0), toUs: at(2000) });
      expect(errors.status).toEqual([
        { value: 'error', count: 1 },
        { value: 'running', count: 1 },
        { value: 'ok', count: 1 },
      ]);
      expect(errors.service).toEqual([{ value: 'payments', count: 1 }]);
      expect((await store.traceFacets({ fromUs: at(900) })).service).toEqual([{ value: 'worker', count: 1 }]);
    });

    it('counts logs per service and level under the log filters', async () => {
      const all = await store.logFacets({});
      expect(all.service).toEqual([
        { value: 'worker', count: 7 },
        { value: 'api', count: 3 },
        { value: 'payments', count: 1 },
      ]);
      expect(all.level).toEqual([
        { value: 'trace', count: 5 },
        { value: 'info', count: 2 },
        { value: 'debug', count: 1 },
        { value: 'error', count: 1 },
        { value: 'fatal', count: 1 },
        { value: 'warn', count: 1 },
      ]);
      const worker = await store.logFacets({ service: 'worker', levels: ['fatal'] });
      expect(worker.level).toEqual([
        { value: 'trace', count: 5 },
        { value: 'debug', count: 1 },
        { value: 'fatal', count: 1 },
      ]);
      expect(worker.service).toEqual([{ value: 'worker', count: 1 }]);
      expect(worker.name).toEqual([]);
      expect(worker.conversation).toEqual([]);
    });

    it('sorts the trace list by duration, spans and errors, and pages in that order', async () => {
      const ids = async (query: TraceQuery): Promise<string[]> => (await store.listTraces(query)).traces.map((t) => t.traceId);
      const [t1, t2, t3] = [traceIdOf(1), traceIdOf(2), traceIdOf(3)];
      expect(await ids({})).toEqual([t3, t2, t1]);
      expect(await ids({ sort: 'duration' })).toEqual([t2, t1, t3]);
      expect(await ids({ sort: 'duration', order: 'asc' })).toEqual([t3, t1, t2]);
      expect(await ids({ sort: 'spans' })).toEqual([t2, t1, t3]);
      expect(await ids({ sort: 'errors' })).toEqual([t2, t3, t1]);
      expect(await ids({ sort: 'start', order: 'asc' })).toEqual([t1, t2, t3]);
      for (const sort of ['duration', 'spans', 'errors', 'start'] as const) {
        for (const order of ['desc', 'asc'] as const) {
          const paged: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.listTraces({ sort, order, limit: 1, ...(cursor !== undefined ? { cursor } : {}) });
            paged.push(...page.traces.map((t) => t.traceId));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          expect(paged, `${sort} ${order}`).toEqual(await ids({ sort, order }));
        }
      }
      const byDuration = await store.listTraces({ sort: 'duration', limit: 1 });
      await expect(store.listTraces({ sort: 'spans', cursor: byDuration.nextCursor! })).rejects.toThrow(/cursor belongs to the list sorted by duration desc/);
    });
  });
}
