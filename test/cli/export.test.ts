import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import type { NormalizedRecord } from '@aitrace/format';
import { otlpGrpcServiceDefinition } from '@aitrace/otlp';
import { describe, expect, it } from 'vitest';
import { writeCollectorFile } from './collectorFile.js';
import { startGrpcBridge, startProtobufBridge } from './otlpBridge.js';
import { expectSameRecords, storedRecords, useRoundTripServers, writeSdkTrace } from './sdkTrace.js';
import { BIN, fixture, runCli, runCliAsync } from './runCli.js';

describe('aitrace export to a real aitrace serve receiver', () => {
  const servers = useRoundTripServers();

  async function roundTrip(
    file: string,
    traceId: string,
    protocol: string,
    url = servers.received.url,
    extra: string[] = [],
  ): Promise<{ sent: NormalizedRecord[]; got: NormalizedRecord[]; stdout: string }> {
    const ingest = await servers.original.request('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: readFileSync(file),
    });
    expect(ingest.status).toBe(200);
    const result = await runCliAsync(['export', file, '--otlp', url, '--protocol', protocol, ...extra]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sent = await storedRecords(servers.original, traceId);
    const got = await storedRecords(servers.received, traceId);
    expectSameRecords(got, sent);
    return { sent, got, stdout: result.stdout };
  }

  it('sends spans, events, links, exceptions and logs of an SDK-written file, and the receiver stores the same records (http/json)', async () => {
    const file = join(servers.dir, 'sdk.jsonl');
    const traceId = await writeSdkTrace(file);
    const { sent, got, stdout } = await roundTrip(file, traceId, 'http/json');
    expect(stdout).toMatch(/: 2 spans and 2 log records accepted in 2 request\(s\)/);
    expect(sent.map((r) => `${r.type}:${r.event}`)).toEqual(got.map((r) => `${r.type}:${r.event}`));
    expect(sent.length).toBe(6);
  });

  it.each([
    ['http/protobuf', startProtobufBridge],
    ['grpc', startGrpcBridge],
  ])('sends the same records over %s, encoded with the official proto definitions', async (protocol, start) => {
    const file = join(servers.dir, `sdk-${protocol.replace('/', '-')}.jsonl`);
    const traceId = await writeSdkTrace(file);
    const bridge = await start(servers.received.url);
    try {
      const gzip = protocol === 'grpc' ? ['--compression', 'gzip'] : [];
      const { stdout } = await roundTrip(file, traceId, protocol, bridge.url, ['--header', 'Authorization=Bearer t0k', ...gzip]);
      expect(stdout).toMatch(new RegExp(`\\(${protocol}\\): 2 spans and 2 log records accepted in 2 request`));
      expect(bridge.received.map((r) => r.signal)).toEqual(['traces', 'logs']);
      for (const request of bridge.received)
        expect(request).toMatchObject({ authorization: 'Bearer t0k', ...(protocol === 'grpc' ? {} : { contentType: 'application/x-protobuf' }) });
    } finally {
      await bridge.close();
    }
  });

  it('sends an OTLP JSON Lines file (as the Collector file exporter writes it) on as the same records', async () => {
    const file = join(servers.dir, 'collector.jsonl');
    const { traceId } = await writeCollectorFile(file);
    const { got, stdout } = await roundTrip(file, traceId, 'http/json');
    expect(stdout).toMatch(/: 2 spans and 1 log records accepted/);
    expect(got.find((r) => r.type === 'span_end' && r.name === 'pdf.render')).toMatchObject({ status: 'error', service: 'billing' });
  });

  it('sends a span without an end as cut off, and the receiver shows it as the running span it was', async () => {
    const file = fixture('crashed-process.jsonl');
    const complete = join(servers.dir, 'crashed.jsonl');
    // The fixture's last line is cut short; export reports such a line (exit 1), so send the readable part.
    writeFileSync(complete, readFileSync(file, 'utf8').split('\n').slice(0, -1).join('\n') + '\n');
    const { got, stdout } = await roundTrip(complete, 'be97f2fa26196196d1c776cef223b871', 'http/json');
    expect(stdout).toMatch(/\(2 cut off\)/);
    expect(
      got
        .filter((r) => r.type === 'span_start')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['agent.run', 'db.write']);
  });
});

/** A request a scripted endpoint got. */
interface ScriptedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  raw: Buffer;
}

/** A local OTLP endpoint that answers each request from a script and remembers what it got. */
async function scriptedEndpoint(
  answers: { status: number; headers?: Record<string, string>; body?: string }[],
): Promise<{ url: string; requests: ScriptedRequest[]; close: () => Promise<void> }> {
  const requests: ScriptedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString(), raw: Buffer.concat(chunks) });
      const answer = answers.shift() ?? { status: 200, body: '{}' };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/otlp`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('aitrace export against scripted endpoints', () => {
  const file = fixture('v2-span-lifecycle.jsonl');

  it('appends /v1/traces and /v1/logs to the base URL, sends --header and OTEL_EXPORTER_OTLP_HEADERS, and batches', async () => {
    const endpoint = await scriptedEndpoint([]);
    try {
      const result = await runCliAsync(
        ['export', file, '--otlp', endpoint.url, '--protocol', 'http/json', '--header', 'Authorization=Bearer s3cret', '--batch-size', '2'],
        { env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme%20corp' } },
      );
      expect(result.code).toBe(0);
      expect(endpoint.requests.map((r) => r.path)).toEqual(['/otlp/v1/traces', '/otlp/v1/traces', '/otlp/v1/logs']);
      expect(endpoint.requests[0]!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-tenant': 'acme corp', 'content-type': 'application/json' });
      const spans = endpoint.requests
        .slice(0, 2)
        .map((r) => (JSON.parse(r.body) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans.length);
      expect(spans).toEqual([2, 1]);
    } finally {
      await endpoint.close();
    }
  });

  it('gzips request bodies with --compression gzip (or OTEL_EXPORTER_OTLP_COMPRESSION)', async () => {
    const endpoint = await scriptedEndpoint([]);
    try {
      const result = await runCliAsync(['export', file, '--otlp', endpoint.url, '--protocol', 'http/json'], {
        env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      });
      expect(result.code).toBe(0);
      expect(endpoint.requests[0]!.headers['content-encoding']).toBe('gzip');
      expect(Object.keys(JSON.parse(gunzipSync(endpoint.requests[0]!.raw).toString()) as object)).toEqual(['resourceSpans']);
    } finally {
      await endpoint.close();
    }
  });

  it('retries 503 and 429 answers, honouring Retry-After, and counts a partial success as refused', async () => {
    const endpoint = await scriptedEndpoint([
      { status: 503, headers: { 'retry-after': '0' }, body: 'busy' },
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 200, body: JSON.stringify({ partialSuccess: { rejectedSpans: '1', errorMessage: 'span too old' } }) },
    ]);
    try {
      const result = await runCliAsync(['export', file, '--otlp', endpoint.url, '--protocol', 'http/json', '--json']);
      expect(result.stderr).toContain('503 Service Unavailable: busy; retry 1 of 5 in 0.0 s');
      expect(result.stderr).toContain('429 Too Many Requests; retry 2 of 5 in 0.0 s');
      expect(endpoint.requests.map((r) => r.path)).toEqual(['/otlp/v1/traces', '/otlp/v1/traces', '/otlp/v1/traces', '/otlp/v1/logs']);
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout) as { spans: Record<string, number>; logRecords: Record<string, number>; errors: string[] };
      expect(summary.spans).toEqual({ accepted: 2, refused: 1, notSent: 0, cutOff: 0 });
      expect(summary.logRecords).toEqual({ accepted: 1, refused: 0, notSent: 0 });
      expect(summary.errors).toEqual(['partial success: 1 spans rejected: span too old']);
    } finally {
      await endpoint.close();
    }
  });

  it('stops at an answer every request would get (401) and says what was not sent', async () => {
    const endpoint = await scriptedEndpoint([{ status: 401, body: 'bad token' }]);
    try {
      const result = await runCliAsync(['export', file, '--otlp', endpoint.url, '--protocol', 'http/json']);
      expect(result.code).toBe(1);
      expect(endpoint.requests).toHaveLength(1);
      expect(result.stdout).toContain('refused: 3 spans, 0 log records');
      expect(result.stderr).toContain('aitrace: 3 spans refused: 401 Unauthorized: bad token');
      expect(result.stderr).toContain('stopped, every further request would be refused too');
    } finally {
      await endpoint.close();
    }
  });

  it('retries gRPC UNAVAILABLE and stops at UNAUTHENTICATED', async () => {
    const codes = [status.UNAVAILABLE, status.UNAUTHENTICATED];
    const server = new Server();
    let calls = 0;
    for (const signal of ['traces', 'logs'] as const) {
      server.addService(otlpGrpcServiceDefinition(signal), {
        Export: (_call: unknown, callback: (error: Partial<ServiceError> | null, response?: object) => void) => {
          calls++;
          const code = codes.shift();
          if (code === undefined) callback(null, {});
          else callback({ code, details: code === status.UNAVAILABLE ? 'draining' : 'no token' });
        },
      });
    }
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    try {
      const result = await runCliAsync(['export', file, '--otlp', `http://127.0.0.1:${port}`, '--protocol', 'grpc']);
      expect(result.stderr).toMatch(/UNAVAILABLE: draining; retry 1 of 5 in \d+\.\d s/);
      expect(result.stderr).toContain('3 spans refused: UNAUTHENTICATED: no token');
      expect(result.stderr).toContain('stopped, every further request would be refused too');
      expect(calls).toBe(2);
      expect(result.code).toBe(1);
    } finally {
      server.forceShutdown();
    }
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('shows a progress line on a terminal, and none when stderr is not one', () => {
    const command = [process.execPath, BIN, 'export', file, '--otlp', 'http://127.0.0.1:9', '--protocol', 'http/json', '--retries', '0']
      .map((arg) => `'${arg}'`)
      .join(' ');
    const onTerminal = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    const clearLine = '\r\u001b[K';
    expect(onTerminal.stdout).toContain(`${clearLine}exporting ${file}: 100% (0 spans, 0 log records sent)${clearLine}`);
    expect(onTerminal.stdout).toContain('not sent: 3 spans, 1 log records');
    expect(runCli(['export', file, '--otlp', 'http://127.0.0.1:9', '--protocol', 'http/json', '--retries', '0']).stderr).not.toContain('exporting');
  });

  it('documents in its help how running spans are sent', () => {
    for (const command of ['export', 'convert']) expect(runCli([command, '--help']).stdout).toContain(`Usage: aitrace ${command}`);
    expect(runCli(['export', '--help']).stdout).toMatch(/still running, or cut off[\s\S]*aitrace\.span\.cut_off = true/);
    expect(runCli(['--help']).stdout).toMatch(/export +send a trace file to any OTLP endpoint/);
  });

  it('names the option in usage errors', () => {
    expect(runCli(['export', file, '--protocol', 'thrift']).stderr).toContain('--protocol must be http/protobuf, http/json or grpc, got "thrift"');
    expect(runCli(['export', file, '--otlp', 'localhost:4318x']).stderr).toContain('--otlp must be');
    expect(runCli(['export', file, '--header', 'novalue']).stderr).toContain('--header must be KEY=VALUE, got "novalue"');
  });
});
