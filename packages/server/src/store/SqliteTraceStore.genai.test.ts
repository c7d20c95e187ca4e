import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endLine, normalized, spanIdOf, traceIdOf, type TestSpan } from '@aitrace/testing';
import { SqliteTraceStore } from './SqliteTraceStore.js';

const agentTrace = traceIdOf(1);
const otherTrace = traceIdOf(2);
// An agent span that sums its two model calls (which must not be counted twice), and an unrelated chat.
const agent: TestSpan = {
  trace: agentTrace,
  span: spanIdOf(1),
  name: 'invoke_agent',
  startMs: 0,
  endMs: 90,
  attrs: { 'gen_ai.conversation.id': 'conv-7', 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 12 },
};
const call1: TestSpan = {
  trace: agentTrace,
  span: spanIdOf(2),
  parent: spanIdOf(1),
  name: 'chat',
  startMs: 5,
  endMs: 40,
  attrs: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 4 },
};
const call2: TestSpan = {
  trace: agentTrace,
  span: spanIdOf(3),
  parent: spanIdOf(1),
  name: 'chat',
  startMs: 45,
  endMs: 80,
  attrs: { 'gen_ai.request.model': 'llama3', 'gen_ai.usage.input_tokens': '20', 'gen_ai.usage.output_tokens': 8 },
};
const other: TestSpan = {
  trace: otherTrace,
  span: spanIdOf(4),
  name: 'chat',
  startMs: 100,
  endMs: 120,
  attrs: { 'gen_ai.request.model': 'llama3', 'gen_ai.conversation.id': 'conv-8' },
};

describe('SqliteTraceStore: GenAI token totals and filters', () => {
  let dir: string;
  let store: SqliteTraceStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-genai-'));
    store = new SqliteTraceStore({ path: join(dir, 'traces.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sums the model calls of a trace once, lists its models and conversations, and filters by them', async () => {
    // The calls end before the agent (as in a file), in separate ingests: the agent's own sum then stops counting.
    await store.ingest([normalized(endLine(call1))]);
    await store.ingest([normalized(endLine(call2)), normalized(endLine(other))]);
    expect(await store.getTraceSummary(agentTrace)).toMatchObject({
      inputTokens: 30,
      outputTokens: 12,
      models: ['gpt-4o', 'gpt-4o-2024-08-06', 'llama3'],
      conversations: [],
    });
    await store.ingest([normalized(endLine(agent))]);
    expect(await store.getTraceSummary(agentTrace)).toMatchObject({ inputTokens: 30, outputTokens: 12, conversations: ['conv-7'] });
    expect(await store.getTraceSummary(otherTrace)).toMatchObject({ inputTokens: null, outputTokens: null, models: ['llama3'], conversations: ['conv-8'] });
    const ids = async (query: Parameters<SqliteTraceStore['listTraces']>[0]) => (await store.listTraces(query)).traces.map((t) => t.traceId);
    expect(await ids({ model: 'llama3' })).toEqual([otherTrace, agentTrace]);
    expect(await ids({ model: 'gpt-4o-2024-08-06' })).toEqual([agentTrace]);
    expect(await ids({ model: 'gpt-4' })).toEqual([]);
    expect(await ids({ conversation: 'conv-7' })).toEqual([agentTrace]);
    expect(await ids({ conversation: 'conv-8', model: 'gpt-4o' })).toEqual([]);
  });

  it('stops counting the agent sum when a later span links a model call below it', async () => {
    // The call names a parent that has not arrived yet: until then it is an orphan, counted beside the agent.
    const link: TestSpan = { trace: agentTrace, span: spanIdOf(5), parent: spanIdOf(1), name: 'step', startMs: 2, endMs: 85 };
    await store.ingest([normalized(endLine(agent)), normalized(endLine({ ...call1, parent: link.span }))]);
    expect(await store.getTraceSummary(agentTrace)).toMatchObject({ inputTokens: 40, outputTokens: 16 });
    await store.ingest([normalized(endLine(link))]);
    expect(await store.getTraceSummary(agentTrace)).toMatchObject({ inputTokens: 10, outputTokens: 4 });
  });

  it('fills the GenAI columns of a schema-2 database on upgrade', async () => {
    await store.ingest([normalized(endLine(call1)), normalized(endLine(call2))]);
    await store.close();
    // Back to what a schema-2 server wrote: the same rows without the GenAI columns.
    const path = join(dir, 'traces.db');
    const old = new Database(path);
    for (const column of ['input_tokens', 'output_tokens', 'models', 'conversations']) old.exec(`ALTER TABLE traces DROP COLUMN ${column}`);
    old.exec('ALTER TABLE spans DROP COLUMN genai; DROP INDEX records_key; ALTER TABLE records DROP COLUMN record_key; PRAGMA user_version = 2');
    old.close();
    store = new SqliteTraceStore({ path });
    expect(await store.getTraceSummary(agentTrace)).toMatchObject({ inputTokens: 30, outputTokens: 12, models: ['gpt-4o', 'gpt-4o-2024-08-06', 'llama3'] });
    expect((await store.listTraces({ model: 'llama3' })).traces).toHaveLength(1);
  });
});
