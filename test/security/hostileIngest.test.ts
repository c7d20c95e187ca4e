import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TracePage } from '@aitrace/server';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RECORD_DEPTH } from '../../packages/server/src/ingest/checkIngestRecord.js';
import { logLine, spanIdOf, traceIdOf } from '@aitrace/testing';
import { tempDir } from '../reliability/support.js';
import { jsonl, readJson, startTestServer, type TestServer, type TraceAnswer } from '../server/harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };

/** JSON text of arrays nested `levels` deep around a string. */
function nested(levels: number): string {
  return `${'['.repeat(levels)}"bottom"${']'.repeat(levels)}`;
}

/** A record line with one more top-level key, written as given (encodeRecord would cut it at 64 levels). */
function withKey(line: string, key: string, jsonText: string): string {
  return `${line.slice(0, -1)},${JSON.stringify(key)}:${jsonText}}`;
}

/** The queries that run SQLite's JSON functions over stored rows: they must keep answering. */
async function expectJsonQueriesWork(server: TestServer): Promise<void> {
  for (const query of ['attr=k%3Dv', 'q=bottom', 'q=%22']) {
    const response = await server.request(`/api/traces?${query}`);
    expect(response.status, `${query}: ${await response.clone().text()}`).toBe(200);
  }
}

describe('hostile records at the server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it(`refuses a JSONL record nested deeper than ${MAX_RECORD_DEPTH} levels, naming the line and the attribute, so queries keep working`, async () => {
    server = await startTestServer();
    const deep = withKey(logLine('deep', 2, { trace: traceIdOf(2) }), 'payload', nested(1000));
    const refused = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([logLine('fine', 1, { trace: traceIdOf(1) }), deep]) });
    expect(refused.status).toBe(400);
    expect((await readJson(refused)).problems).toEqual([
      { line: 2, message: `"payload" is nested more than ${MAX_RECORD_DEPTH} levels deep, the most the server stores; flatten it` },
    ]);
    const metaDeep = logLine('deep', 2, { trace: traceIdOf(2) }).replace('"event":"deep"', `"event":"deep","x_extra":${nested(MAX_RECORD_DEPTH)}`);
    const refusedMeta = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([metaDeep]) });
    expect((await readJson(refusedMeta)).problems?.[0]?.message).toMatch(/^__tracer_meta__ is nested more than/);
    expect(await server.store.countRows()).toBe(0);

    // As deep as the server stores: accepted, and the JSON queries still work over it.
    const limit = withKey(logLine('at-limit', 3, { trace: traceIdOf(3), attrs: { k: 'v' } }), 'payload', nested(MAX_RECORD_DEPTH));
    expect((await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([limit]) })).status).toBe(200);
    await expectJsonQueriesWork(server);
    expect((await readJson<TracePage>(await server.request('/api/traces?attr=k%3Dv'))).traces.map((t) => t.traceId)).toEqual([traceIdOf(3)]);
  });

  it('skips such a record in a watched file, reporting its line, and stores the others', async () => {
    const dir = tempDir('watch-deep');
    const file = join(dir, 'app.jsonl');
    writeFileSync(
      file,
      jsonl([
        logLine('before', 1, { trace: traceIdOf(4) }),
        withKey(logLine('deep', 2, { trace: traceIdOf(4) }), 'payload', nested(1200)),
        logLine('after', 3, { trace: traceIdOf(4) }),
      ]),
    );
    server = await startTestServer({ watch: [dir] });
    expect(server.problems).toEqual([expect.stringMatching(/app\.jsonl:2: "payload" is nested more than 500 levels deep/)]);
    const trace = await readJson<TraceAnswer>(await server.request(`/api/traces/${traceIdOf(4)}`));
    expect(trace.records.map((r) => r.event)).toEqual(['before', 'after']);
    await expectJsonQueriesWork(server);
  });

  it('stores an OTLP span whose attribute is nested 10,000 levels deep, cut at the writer depth limit, without a server error', async () => {
    server = await startTestServer();
    let value = '{"stringValue":"bottom"}';
    for (let i = 0; i < 10_000; i++) value = `{"arrayValue":{"values":[${value}]}}`;
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${traceIdOf(5)}","spanId":"${spanIdOf(5)}","name":"deep","startTimeUnixNano":"1761480000000000000","endTimeUnixNano":"1761480001000000000","attributes":[{"key":"payload","value":${value}},{"key":"k","value":{"stringValue":"v"}}]}]}]}]}`;
    const response = await server.request('/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(await readJson<unknown>(response)).toEqual({});
    const trace = await readJson<TraceAnswer>(await server.request(`/api/traces/${traceIdOf(5)}`));
    expect(JSON.stringify(trace.records[0]!.attrs.payload)).toMatch(/\{"\$type":"max_depth","depth":\d+\}/);
    expect(server.problems).toEqual([]);
    await expectJsonQueriesWork(server);
  });

  it('names every line of a batch that is not valid UTF-8, with the other bad lines, and stores nothing', async () => {
    server = await startTestServer();
    const good = logLine('good', 1, { trace: traceIdOf(6) });
    const broken = Buffer.from(logLine('bröken', 2, { trace: traceIdOf(6) }));
    const at = broken.indexOf(Buffer.from('ö'));
    const invalid = Buffer.concat([broken.subarray(0, at), Buffer.from([0xc3, 0x28]), broken.subarray(at + 2)]);
    const body = Buffer.concat([Buffer.from(`${good}\n`), invalid, Buffer.from(`\n${good}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('{"not json\n')]);
    const response = await server.request('/api/ingest', { method: 'POST', headers: NDJSON, body });
    expect(response.status).toBe(400);
    const answer = await readJson(response);
    expect(answer.problems).toEqual([
      { line: 2, message: 'not valid UTF-8: send text encoded as UTF-8' },
      { line: 4, message: 'not valid UTF-8: send text encoded as UTF-8' },
      { line: 5, message: expect.stringMatching(/^truncated line|^invalid JSON/) },
    ]);
    expect(answer.error).toContain('(line 2, 4, 5)');
    expect(await server.store.countRows()).toBe(0);
  });
});
