import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { credentials, status } from '@grpc/grpc-js';
import { encodeTraceRequest, OtlpGrpcClient } from '@aitrace/otlp';
import { runServeCommand, startServer, type RunningServer, type TracePage } from '@aitrace/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../scripts/postgres.mjs';
import { endLine, logLine, spanIdOf, spanLines, startLine, traceIdOf } from '@aitrace/testing';
import { jsonl, openEventStream } from './harness.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };
const SERVE_APP = fileURLToPath(new URL('./apps/pg-serve.mjs', import.meta.url));

/** Resolves after `ms`: the pause between a client's retries, as an OTLP exporter's backoff (never a wait for a result). */
const backoff = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or the deadline passes. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await backoff(25);
  }
}

/** A batch of `size` records of trace `n`: spans (start and end) and a log per span, all distinct. */
function batch(n: number, size = 6): string[] {
  const lines: string[] = [];
  for (let i = 0; i < size / 3; i++) {
    const span = { trace: traceIdOf(n), span: spanIdOf(n * 100 + i), name: `op${i}`, startMs: i, endMs: i + 5, service: 'team' };
    lines.push(...spanLines(span), logLine('step', i + 1, { trace: span.trace, span: span.span, attrs: { n, i } }));
  }
  return lines;
}

/** Rows a batch of `batch(n, size)` stores: one per span and one per log. */
const rowsOf = (size: number) => (size / 3) * 2;

/** How a batch got through: requests made, and how many were answered 503. */
interface Delivery {
  attempts: number;
  unavailable: number;
}

/**
 * Posts a JSONL batch the way a well-behaved client does: a 503 (with Retry-After) or a lost connection is
 * retried, on the next of `targets` (a load balancer's view), until the batch is acknowledged.
 */
async function deliver(targets: () => string[], body: string, timeoutMs = 30_000): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  const result: Delivery = { attempts: 0, unavailable: 0 };
  for (;;) {
    const urls = targets();
    const url = urls[result.attempts % urls.length]!;
    result.attempts++;
    try {
      const response = await fetch(new URL('/api/ingest', url), { method: 'POST', headers: NDJSON, body });
      await response.arrayBuffer();
      if (response.status === 200) return result;
      if (response.status !== 503) throw new Error(`unexpected status ${response.status}`);
      expect(response.headers.get('retry-after')).toBe('5');
      result.unavailable++;
    } catch (error) {
      if ((error as Error).message.startsWith('unexpected status')) throw error;
    }
    if (Date.now() > deadline) throw new Error('the batch was never acknowledged');
    await backoff(20);
  }
}

describe('team server on PostgreSQL', () => {
  let cluster: PostgresCluster;
  const servers: RunningServer[] = [];
  const children: ChildProcess[] = [];
  let problems: string[];

  beforeEach(async () => {
    cluster = await startPostgres();
    problems = [];
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const server of servers.splice(0)) await server.close();
    await cluster.destroy();
  });

  async function instance(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
    const server = await startServer({ port: 0, db: cluster.url, viewerDir: null, onProblem: (m) => problems.push(m), onRefusal: () => undefined, ...options });
    servers.push(server);
    return server;
  }

  async function rows(server: RunningServer): Promise<number> {
    return server.store.countRows();
  }

  it('is selected by aitrace serve --db postgres://... and by AITRACE_DB, and names an unreachable database', async () => {
    for (const [argv, env] of [
      [['--db', cluster.url], {}],
      [[], { AITRACE_DB: cluster.url }],
    ] as const) {
      const controller = new AbortController();
      let out = '';
      const exit = runServeCommand(['--port', '0', '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', ...argv], {
        stdout: (text) => {
          out += text;
          // Stopped like Ctrl-C once everything is printed.
          if (out.includes('database:')) setImmediate(() => controller.abort());
        },
        stderr: () => undefined,
        signal: controller.signal,
        env,
      });
      expect(await exit).toBe(0);
      expect(out).toContain(`database: ${cluster.url} (PostgreSQL)`);
    }
    let err = '';
    const refused = await runServeCommand(
      ['--port', '0', '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', '--db', 'postgres://someone:secret@127.0.0.1:1/nowhere'],
      { stderr: (text) => (err += text), stdout: () => undefined, env: {} },
    );
    expect(refused).toBe(1);
    expect(err).toMatch(/cannot open the trace database postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(err).not.toContain('secret');
  });

  it('answers 503 with Retry-After (gRPC UNAVAILABLE) while PostgreSQL is down, and recovers by itself when it is back', async () => {
    const server = await instance({ otlpHttpPort: 0, otlpGrpcPort: 0 });
    const lines = batch(1);
    expect((await fetch(new URL('/api/ingest', server.url), { method: 'POST', headers: NDJSON, body: jsonl(lines) })).status).toBe(200);
    await cluster.stop();

    const jsonlAnswer = await fetch(new URL('/api/ingest', server.url), { method: 'POST', headers: NDJSON, body: jsonl(batch(2)) });
    expect(jsonlAnswer.status).toBe(503);
    expect(jsonlAnswer.headers.get('retry-after')).toBe('5');
    expect(((await jsonlAnswer.json()) as { error: string }).error).toMatch(/PostgreSQL trace database .* cannot be reached.*nothing was stored, retry later/);
    const span = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'answer.me',
      startTimeUnixNano: '1761480000000000000',
      endTimeUnixNano: '1761480000001000000',
    };
    const otlp = encodeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    const otlpAnswer = await fetch(new URL('/v1/traces', server.otlpHttp!.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: otlp,
    });
    expect(otlpAnswer.status).toBe(503);
    expect(otlpAnswer.headers.get('retry-after')).toBe('5');
    const grpc = new OtlpGrpcClient(server.otlpGrpc!.address, credentials.createInsecure());
    try {
      await expect(grpc.exportEncoded('traces', otlp)).rejects.toMatchObject({ code: status.UNAVAILABLE });
      const query = await fetch(new URL('/api/traces', server.url));
      expect(query.status).toBe(503);
      expect(query.headers.get('retry-after')).toBe('5');
      expect((await fetch(new URL(`/api/traces/${traceIdOf(1)}`, server.url))).status).toBe(503);

      await cluster.start();
      // Nobody restarts the server: the next requests reconnect.
      await until(async () => (await fetch(new URL('/api/traces', server.url))).status === 200, 'queries to work again');
      expect((await fetch(new URL('/api/ingest', server.url), { method: 'POST', headers: NDJSON, body: jsonl(batch(2)) })).status).toBe(200);
      expect(await grpc.exportEncoded('traces', otlp)).toEqual({});
      expect(
        (await fetch(new URL('/v1/traces', server.otlpHttp!.url), { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: otlp }))
          .status,
      ).toBe(200);
    } finally {
      grpc.close();
    }
    expect(await rows(server)).toBe(rowsOf(6) * 2 + 1);
  });

  it('loses nothing it acknowledged when PostgreSQL restarts during ingest: every batch sent is stored once', async () => {
    const server = await instance();
    const batches = 40;
    let acknowledged = 0;
    const sender = (async () => {
      for (let n = 1; n <= batches; n++) {
        await deliver(() => [server.url], jsonl(batch(n)));
        acknowledged++;
      }
    })();
    await until(() => Promise.resolve(acknowledged >= 5), 'the first batches');
    await cluster.restart();
    await until(() => Promise.resolve(acknowledged >= 15), 'batches after the restart');
    await cluster.restart();
    await sender;
    const sent = batches * rowsOf(6);
    expect(await rows(server)).toBe(sent);
    const page = await server.store.listTraces({ limit: 1000 });
    expect(page.traces).toHaveLength(batches);
    expect(page.traces.every((t) => t.spanCount === 2 && t.runningCount === 0 && t.recordCount === 4)).toBe(true);
  });

  it('stores once what a client resends after killing the server mid-ingest, through a second instance', async () => {
    const spawnServer = async (): Promise<string> => {
      const child = spawn(process.execPath, [SERVE_APP, cluster.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      });
      return `http://127.0.0.1:${line.trim()}/`;
    };
    const first = await spawnServer();
    const second = await instance();
    let targets = [first];
    const batches = 30;
    let acknowledged = 0;
    const sender = (async () => {
      for (let n = 1; n <= batches; n++) {
        // A large batch, so the kill lands while one is being stored.
        await deliver(() => targets, jsonl(batch(n, 300)));
        acknowledged++;
      }
    })();
    await until(() => Promise.resolve(acknowledged >= 5), 'the first batches');
    children[0]!.kill('SIGKILL');
    targets = [first, second.url];
    await sender;
    expect(await rows(second)).toBe(batches * rowsOf(300));
    expect((await second.store.listTraces({ limit: 1000 })).traces.every((t) => t.spanCount === 100 && t.runningCount === 0)).toBe(true);
  });

  it('keeps one correct row per span when two instances ingest the same and different traces at once', async () => {
    const a = await instance();
    const b = await instance();
    const spans = 60;
    const post = (server: RunningServer, lines: string[]) => deliver(() => [server.url], jsonl(lines));
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < spans; i++) {
      const span = { trace: traceIdOf(1000 + (i % 6)), span: spanIdOf(5000 + i), name: `shared${i}`, startMs: i, endMs: i + 10, service: 'team', attrs: { i } };
      // One span's start through one instance and its end through the other, at the same time.
      work.push(post(a, [startLine(span)]), post(b, [endLine(span)]));
      // The same batch through both (a client retrying elsewhere), and each instance's own traces.
      const same = batch(2000 + i, 3);
      work.push(post(a, same), post(b, same), post(a, batch(3000 + i, 3)), post(b, batch(4000 + i, 3)));
    }
    await Promise.all(work);
    const sent = spans + spans * rowsOf(3) * 3;
    expect(await rows(a)).toBe(sent);
    for (let t = 0; t < 6; t++) {
      const summary = await b.store.getTraceSummary(traceIdOf(1000 + t));
      expect(summary).toMatchObject({ spanCount: spans / 6, runningCount: 0, recordCount: spans / 6 });
      const records = await a.store.getTraceRecords(traceIdOf(1000 + t));
      expect(records.every((r) => r.type === 'span_end' && (r.attrs as { i: number }).i !== undefined)).toBe(true);
    }
    expect((await a.store.listTraces({ limit: 1000 })).traces).toHaveLength(6 + spans * 3);
  });

  it('pushes live updates of an ingest through one instance to the viewers of another', async () => {
    const a = await instance();
    const b = await instance();
    const all = await openEventStream(new URL('/api/events', b.url));
    const one = await openEventStream(new URL(`/api/events?trace=${traceIdOf(7)}`, b.url));
    expect((await all.next()).event).toBe('ready');
    expect((await one.next()).event).toBe('ready');
    const span = { trace: traceIdOf(7), span: spanIdOf(1), name: 'remote.job', startMs: 0, endMs: 9 };
    expect((await fetch(new URL('/api/ingest', a.url), { method: 'POST', headers: NDJSON, body: jsonl([startLine(span)]) })).status).toBe(200);
    const running = await all.next((e) => e.event === 'trace');
    expect(running.data).toMatchObject({ traceId: traceIdOf(7), runningCount: 1 });
    expect((await one.next((e) => e.event === 'records')).data).toMatchObject({ traceId: traceIdOf(7), records: [{ type: 'span_start', name: 'remote.job' }] });
    expect((await fetch(new URL('/api/ingest', a.url), { method: 'POST', headers: NDJSON, body: jsonl([endLine(span)]) })).status).toBe(200);
    expect((await all.next((e) => e.event === 'trace' && (e.data as { runningCount: number }).runningCount === 0)).data).toMatchObject({ durationMs: 9 });
    expect((await one.next((e) => e.event === 'records')).data).toMatchObject({ records: [{ type: 'span_end' }] });
    all.close();
    one.close();
  });

  it('keeps --watch offsets in the database: a restarted or second instance neither skips nor repeats lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-pgwatch-'));
    try {
      const file = join(dir, 'trace.jsonl');
      const line = (n: number) => logLine('line', n, { trace: traceIdOf(9), attrs: { n } });
      writeFileSync(file, `${line(1)}\n${line(2)}\n${line(3)}\n`);
      const first = await instance({ watch: [file], watchIntervalMs: 20 });
      await until(async () => (await rows(first)) === 3, 'the first lines');
      await first.close();
      appendFileSync(file, `${line(4)}\n${line(5)}\n`);
      const second = await instance({ watch: [file], watchIntervalMs: 20 });
      await until(async () => (await rows(second)) === 5, 'the appended lines');
      const third = await instance({ watch: [file], watchIntervalMs: 20 });
      appendFileSync(file, `${line(6)}\n`);
      await until(async () => (await rows(third)) === 6, 'the line appended while two instances watch');
      const records = await third.store.getTraceRecords(traceIdOf(9));
      expect(records.map((r) => (r.attrs as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6]);
      const page: TracePage = await third.store.listTraces({});
      expect(page.traces[0]).toMatchObject({ recordCount: 6 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
