import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { TracePage } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_DEPTH } from '../../packages/server/src/ingest/checkIngestRecord.js';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from '../server/harness.js';
import { checkAsyncProperty, fuzzTimeout } from './fuzzSettings.js';
import { badLine, recordText, userEntries, validMeta } from './recordArbitraries.js';

/** One line of a generated batch, as the server must judge it. */
type BatchLine = { kind: 'record' | 'bad' | 'blank'; text: string };

/** A record of run `run`, line `index`: ids unique to it and the run's service name, so the API can find it. */
function ownRecord(meta: Record<string, unknown>, entries: ReadonlyArray<readonly [string, string]>, run: number, index: number): string {
  const own: Record<string, unknown> = { ...meta, service: `fuzz-run-${run}` };
  if (own.trace_id !== undefined) own.trace_id = `${run.toString(16).padStart(16, '0')}${(index + 1).toString(16).padStart(16, '0')}`;
  if (own.span_id !== undefined) own.span_id = (index + 1).toString(16).padStart(16, 'c');
  return recordText(own, entries);
}

/** A span record the reader accepts but the server cannot store: its trace or span id is missing. */
const spanWithoutIds = fc
  .tuple(
    validMeta.filter((meta) => meta.type !== 'log'),
    userEntries,
    fc.constantFrom('trace_id', 'span_id'),
  )
  .map(([meta, entries, drop]) => {
    const { [drop]: _dropped, ...rest } = meta;
    return recordText(rest, entries);
  });

const batch = fc.record({
  lines: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.tuple(validMeta, userEntries).map(([meta, entries]) => ({ kind: 'record' as const, meta, entries })) },
      { weight: 1, arbitrary: badLine.map((text) => ({ kind: 'bad' as const, text })) },
      { weight: 1, arbitrary: spanWithoutIds.map((text) => ({ kind: 'bad' as const, text })) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', '\r').map((text) => ({ kind: 'blank' as const, text })) },
    ),
    { maxLength: 25 },
  ),
  newline: fc.constantFrom('\n', '\r\n'),
  endsWithNewline: fc.boolean(),
  gzip: fc.boolean(),
});

function depthOf(value: unknown): number {
  return value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
}

/** Records nested deeper than the server stores are refused like bad lines. */
function tooDeepToStore(record: Record<string, unknown>): boolean {
  return Object.values(record).some((value) => depthOf(value) > MAX_RECORD_DEPTH);
}

/** Whether a text can travel in a URL (lone surrogates cannot). */
function inUrl(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

describe('fuzzing the server ingest over HTTP', () => {
  let server: TestServer;
  let run = 0;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  async function listRun(query: string): Promise<TracePage['traces']> {
    const response = await server.request(`/api/traces?${query}&limit=1000`);
    expect(response.status).toBe(200);
    return (await readJson<TracePage>(response)).traces;
  }

  it('stores a whole batch (every record, exactly) or answers 400 naming each bad line and stores nothing', { timeout: fuzzTimeout(60_000) }, async () => {
    await checkAsyncProperty(
      'server ingest of generated batches',
      batch,
      async (generated) => {
        run++;
        const lines: BatchLine[] = generated.lines.map((line, i) => {
          if (line.kind !== 'record') return line;
          const text = ownRecord(line.meta, line.entries, run, i);
          return { kind: tooDeepToStore(JSON.parse(text) as Record<string, unknown>) ? 'bad' : 'record', text };
        });
        const text = lines.map((line, i) => (i < lines.length - 1 || generated.endsWithNewline ? `${line.text}${generated.newline}` : line.text)).join('');
        const badLines = lines.flatMap((line, i) => (line.kind === 'bad' ? [i + 1] : []));
        const records = lines.filter((line) => line.kind === 'record').map((line) => JSON.parse(line.text) as { __tracer_meta__: Record<string, unknown> });
        const rowsBefore = await server.store.countRows();

        const response = await server.request('/api/ingest', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-ndjson', ...(generated.gzip ? { 'Content-Encoding': 'gzip' } : {}) },
          body: generated.gzip ? gzipSync(text) : text,
        });
        const answer = await readJson(response);
        const service = `fuzz-run-${run}`;
        if (badLines.length > 0) {
          expect({ status: response.status, accepted: answer.accepted, rejected: answer.rejected }).toEqual({
            status: 400,
            accepted: 0,
            rejected: badLines.length,
          });
          expect(answer.problems!.map((p) => p.line)).toEqual(badLines);
          expect(answer.error).toContain(`(line ${badLines.join(', ')})`);
          expect(await server.store.countRows()).toBe(rowsBefore);
          expect(await listRun(`service=${encodeURIComponent(service)}`)).toEqual([]);
          return;
        }
        expect({ status: response.status, answer }).toEqual({ status: 200, answer: { accepted: records.length, traces: expect.any(Number) } });
        // Every record is one row (ids are unique), and each trace holds exactly its one record.
        expect(await server.store.countRows()).toBe(rowsBefore + records.length);
        const traceIds = records.flatMap((r) => (typeof r.__tracer_meta__.trace_id === 'string' ? [r.__tracer_meta__.trace_id] : []));
        const listed = await listRun(`service=${encodeURIComponent(service)}`);
        expect(listed.map((t) => [t.traceId, t.recordCount]).sort()).toEqual(traceIds.map((id) => [id, 1]).sort());
        // The stored user data is what was sent, hostile keys included.
        const sample = records.find((r) => typeof r.__tracer_meta__.trace_id === 'string');
        if (sample !== undefined) {
          const detail = await readJson<TraceAnswer>(await server.request(`/api/traces/${sample.__tracer_meta__.trace_id as string}`));
          const { __tracer_meta__: _meta, ...attrs } = sample;
          expect(detail.records).toHaveLength(1);
          expect(JSON.stringify(detail.records[0]!.attrs)).toBe(JSON.stringify(attrs));
          // The attribute filter and the text search find it by any of its text values, written as sent.
          const traceId = sample.__tracer_meta__.trace_id as string;
          for (const [key, value] of Object.entries(attrs)) {
            if (typeof value !== 'string' || key === '' || key.includes('=') || !inUrl(key) || !inUrl(value)) continue;
            const query = `service=${encodeURIComponent(service)}&attr=${encodeURIComponent(`${key}=${value}`)}`;
            expect(
              (await listRun(query)).map((t) => t.traceId),
              `attr ${JSON.stringify(key)}=${JSON.stringify(value)}`,
            ).toContain(traceId);
            if (value === '') continue;
            const search = `service=${encodeURIComponent(service)}&q=${encodeURIComponent(value)}`;
            expect(
              (await listRun(search)).map((t) => t.traceId),
              `q=${JSON.stringify(value)}`,
            ).toContain(traceId);
          }
        }
      },
      60,
      0.1,
    );
  });
  it(
    'answers 200 or 400 naming lines (never anything else) to arbitrary and damaged bytes, storing nothing on 400',
    { timeout: fuzzTimeout(60_000) },
    async () => {
      const damaged = fc
        .tuple(batch, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }))
        .map(([generated, flips]) => {
          run++;
          const text = generated.lines.map((line, i) => `${line.kind === 'record' ? ownRecord(line.meta, line.entries, run, i) : line.text}\n`).join('');
          const bytes = Buffer.from(text);
          for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
          return bytes;
        });
      await checkAsyncProperty(
        'server ingest of arbitrary bytes',
        fc.oneof(fc.uint8Array({ maxLength: 3000 }), damaged),
        async (body) => {
          const rowsBefore = await server.store.countRows();
          const response = await server.request('/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body });
          const answer = await readJson(response);
          const lineCount = Buffer.from(body).toString('latin1').split('\n').length;
          const rowsAfter = await server.store.countRows();
          if (response.status === 400) {
            const lines = answer.problems!.map((p) => p.line);
            expect(lines.length).toBeGreaterThan(0);
            expect(lines.every((line, i) => line >= 1 && line <= lineCount && (i === 0 || line > lines[i - 1]!))).toBe(true);
            expect(answer.error).toContain(`(line ${lines.join(', ')})`);
            expect(rowsAfter).toBe(rowsBefore);
            return;
          }
          expect(response.status, JSON.stringify(answer)).toBe(200);
          // Each record is a row unless a damaged id made two records one span.
          expect(rowsAfter - rowsBefore).toBeLessThanOrEqual(answer.accepted!);
          if (answer.accepted! > 0) expect(rowsAfter).toBeGreaterThan(rowsBefore);
        },
        60,
        0.1,
      );
    },
  );
});
