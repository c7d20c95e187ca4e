import type { NormalizedRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { logRecord, spans, T0_US } from '../../testing/traceRecords.js';
import { localTracePage, localTraces } from './localTraceList.js';
import type { TraceQuery } from './traceQuery.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2';
const C = 'ccccccccccccccccccccccccccccccc3';

function forest() {
  const records: NormalizedRecord[] = [
    ...spans(
      { trace: A, id: 1, name: 'GET /users', startMs: 0, endMs: 40, service: 'api', attrs: { 'http.status_code': 200, cached: true } },
      { trace: A, id: 2, parent: 1, name: 'db.query', startMs: 5, endMs: 30, service: 'api', attrs: { query: { table: 'users' } } },
    ),
    logRecord('cache_miss', 6, { trace: A, span: 2, attrs: { key: 'user:7' }, service: 'worker' }),
    ...spans({
      trace: B,
      id: 3,
      name: 'POST /orders',
      startMs: 100,
      endMs: 180,
      status: 'error',
      statusMessage: 'Payment declined',
      service: 'shop',
      attrs: { 'http.status_code': 500 },
    }),
    ...spans({ trace: C, id: 4, name: 'nightly.import', startMs: 200, service: 'batch' }),
    ...spans({
      trace: C,
      id: 5,
      parent: 4,
      name: 'chat',
      startMs: 210,
      endMs: 230,
      service: 'batch',
      attrs: { 'gen_ai.request.model': 'llama3', 'gen_ai.conversation.id': 'c-1', 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 2 },
    }),
  ];
  const byTrace = new Map<string, NormalizedRecord[]>();
  for (const record of records) byTrace.set(record.traceId!, [...(byTrace.get(record.traceId!) ?? []), record]);
  return localTraces(byTrace);
}

const query = (parts: Partial<TraceQuery>): TraceQuery => ({ attrs: [], ...parts });
const ids = (q: TraceQuery) =>
  localTracePage(forest(), q, null, 100)
    .traces.map((trace) => trace.traceId)
    .reverse();

describe('filtering traces in the browser (single-file HTML traces)', () => {
  it('matches everything without filters', () => {
    expect(ids(query({}))).toEqual([A, B, C]);
  });

  it('filters by service (of spans and logs), exact span name and status', () => {
    expect(ids(query({ service: 'api' }))).toEqual([A]);
    expect(ids(query({ service: 'worker' }))).toEqual([A]);
    expect(ids(query({ name: 'db.query' }))).toEqual([A]);
    expect(ids(query({ name: 'db' }))).toEqual([]);
    expect(ids(query({ status: 'error' }))).toEqual([B]);
    expect(ids(query({ status: 'running' }))).toEqual([C]);
    expect(ids(query({ status: 'ok' }))).toEqual([A]);
  });

  it('filters by attributes compared as text, all of them, on spans and logs', () => {
    expect(ids(query({ attrs: [{ key: 'http.status_code', value: '500' }] }))).toEqual([B]);
    expect(
      ids(
        query({
          attrs: [
            { key: 'cached', value: 'true' },
            { key: 'key', value: 'user:7' },
          ],
        }),
      ),
    ).toEqual([A]);
    expect(
      ids(
        query({
          attrs: [
            { key: 'cached', value: 'true' },
            { key: 'http.status_code', value: '500' },
          ],
        }),
      ),
    ).toEqual([]);
    expect(ids(query({ attrs: [{ key: 'query', value: '{"table":"users"}' }] }))).toEqual([A]);
  });

  it('filters by model and conversation', () => {
    expect(ids(query({ model: 'llama3' }))).toEqual([C]);
    expect(ids(query({ conversation: 'c-1', status: 'running' }))).toEqual([C]);
    expect(ids(query({ model: 'gpt-4o' }))).toEqual([]);
  });

  it('finds text in ids, span names, status messages, event names and attributes, ignoring case', () => {
    expect(ids(query({ q: 'payment DECLINED' }))).toEqual([B]);
    expect(ids(query({ q: 'cache_miss' }))).toEqual([A]);
    expect(ids(query({ q: 'USERS' }))).toEqual([A]);
    expect(ids(query({ q: 'ccccccc' }))).toEqual([C]);
    expect(ids(query({ q: 'nothing like this' }))).toEqual([]);
  });

  it('pages newest first and summarises each trace', () => {
    const traces = forest();
    const first = localTracePage(traces, query({}), null, 2);
    expect(first.traces.map((item) => item.traceId)).toEqual([C, B]);
    expect(first.nextCursor).toBe('2');
    const second = localTracePage(traces, query({}), first.nextCursor, 2);
    expect(second).toEqual({ traces: [expect.objectContaining({ traceId: A })], nextCursor: null });
    expect(first.traces[1]).toEqual({
      traceId: B,
      rootName: 'POST /orders',
      rootSpanId: expect.any(String) as string,
      service: 'shop',
      startUs: T0_US + 100_000,
      endUs: T0_US + 180_000,
      durationMs: 80,
      spanCount: 1,
      errorCount: 1,
      runningCount: 0,
      recordCount: 1,
      lastUs: T0_US + 180_000,
      inputTokens: null,
      outputTokens: null,
      models: [],
      conversations: [],
    });
    expect(first.traces[0]).toMatchObject({
      traceId: C,
      rootName: 'nightly.import',
      runningCount: 1,
      inputTokens: 9,
      outputTokens: 2,
      models: ['llama3'],
      conversations: ['c-1'],
    });
  });
});
