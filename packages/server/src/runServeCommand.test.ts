import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServeCommand } from './runServeCommand.js';

/** The status of a GET sent with the given Host header (fetch does not let a caller set Host). */
function statusWithHost(url: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, headers: { Host: host, Authorization: 'Bearer from-env' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Runs the command until `until` has seen the printed URL, then stops it like Ctrl-C. */
async function serve(argv: string[], until: (url: string) => Promise<void> = async () => {}, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const controller = new AbortController();
  let resolveUrl: (url: string) => void = () => {};
  const urlPrinted = new Promise<string>((resolve) => (resolveUrl = resolve));
  const exit = runServeCommand(argv, {
    stdout: (text) => {
      out += text;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    },
    stderr: (text) => (err += text),
    signal: controller.signal,
    env,
  });
  const first = await Promise.race([urlPrinted, exit.then((code) => ({ code }))]);
  if (typeof first === 'string') {
    try {
      await until(first);
    } finally {
      controller.abort();
    }
  }
  return { code: await exit, out, err };
}

describe('runServeCommand (aitrace serve)', () => {
  let dir: string;
  const cwd = process.cwd();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aitrace-serve-'));
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints help', async () => {
    const result = await serve(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: aitrace serve \[options\]/);
    expect(result.out).toContain('--watch FILE|DIR');
  });

  it('exits with 2 and names the option on usage errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', 'http'], /--port must be a whole number from 0 to 65535, got "http"/],
      [['--port', '70000'], /--port must be a whole number/],
      [['--max-body', 'lots'], /--max-body must be a size like/],
      [['--retention-days=-3'], /--retention-days must be a number of days above 0/],
      [['--retention-days', 'week'], /--retention-days must be a number of days above 0, got "week"/],
      [['--max-rows', '0'], /--max-rows must be a whole number from 1/],
      [['--max-lines', 'many'], /--max-lines must be a whole number from 1 up, got "many"/],
      [['--max-subscribers', '0'], /--max-subscribers must be a whole number from 1/],
      [['--max-live-buffer', 'big'], /--max-live-buffer must be a size like/],
      [
        ['--allowed-host', 'https://traces.example.com/'],
        /--allowed-host must be a host name without scheme or path, like traces.example.com, got "https:\/\/traces.example.com\/"/,
      ],
      [['--otlp-http-port', 'on'], /--otlp-http-port must be a whole number from 0 to 65535 or off, got "on"/],
      [['--otlp-grpc-port=-1'], /--otlp-grpc-port must be a whole number from 0 to 65535 or off, got "-1"/],
      [['--token', ''], /--token must not be empty/],
      [['--frobnicate'], /Unknown option '--frobnicate'/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      const result = await serve(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).toContain('aitrace serve --help');
    }
  });

  it('with no arguments starts on 127.0.0.1:4319, OTLP on 4318 and 4317, with aitrace.db in the working directory and prints its URLs', async () => {
    process.chdir(dir);
    const result = await serve([], async (url) => {
      expect(url).toBe('http://127.0.0.1:4319/');
      expect((await fetch(new URL('/api/health', url))).status).toBe(200);
      expect((await fetch('http://127.0.0.1:4318/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(
        200,
      );
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('OTLP/HTTP (protobuf, JSON): http://127.0.0.1:4318/ (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318)');
    expect(result.out).toContain('OTLP/gRPC: 127.0.0.1:4317');
    expect(result.out).toContain(`database: ${join(dir, 'aitrace.db')}`);
    expect(result.out).toContain('aitrace server stopped');
    expect(existsSync(join(dir, 'aitrace.db'))).toBe(true);
  });

  it('requires the token from AITRACE_SERVER_TOKEN and applies --max-body, --max-lines, --max-subscribers and --allowed-host', async () => {
    const argv = [
      '--port',
      '0',
      '--otlp-http-port',
      'off',
      '--otlp-grpc-port',
      'off',
      '--db',
      ':memory:',
      '--max-body',
      '1k',
      '--max-lines',
      '3',
      '--max-subscribers',
      '1',
      '--allowed-host',
      'traces.example.com',
    ];
    const result = await serve(
      argv,
      async (url) => {
        expect((await fetch(new URL('/api/traces', url))).status).toBe(401);
        const auth = { Authorization: 'Bearer from-env' };
        expect((await fetch(new URL('/api/traces', url), { headers: auth })).status).toBe(200);
        const ndjson = { ...auth, 'Content-Type': 'application/x-ndjson' };
        const big = await fetch(new URL('/api/ingest', url), { method: 'POST', headers: ndjson, body: 'x'.repeat(2000) });
        expect(big.status).toBe(413);
        expect(((await big.json()) as { error: string }).error).toMatch(/limit of 1024 bytes/);
        const long = await fetch(new URL('/api/ingest', url), { method: 'POST', headers: ndjson, body: '\n\n\n\n' });
        expect(long.status).toBe(413);
        expect(((await long.json()) as { error: string }).error).toMatch(/more than 3 lines/);
        const controller = new AbortController();
        const first = await fetch(new URL('/api/events', url), { headers: auth, signal: controller.signal });
        expect(first.status).toBe(200);
        expect((await fetch(new URL('/api/events', url), { headers: auth })).status).toBe(503);
        controller.abort();
        expect(await statusWithHost(url, '/api/traces', 'traces.example.com:443')).toBe(200);
        expect(await statusWithHost(url, '/api/traces', 'other.example.com')).toBe(403);
      },
      { AITRACE_SERVER_TOKEN: 'from-env' },
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('a bearer token is required');
    expect(result.out).not.toMatch(/OTLP\/gRPC|:4318/);
    // Refusals reach stderr with the sender, once per reason: the 401, both 413s and the 403 once each.
    expect(result.err.split('\n').filter((line) => line !== '')).toEqual([
      expect.stringMatching(/^aitrace serve: refused GET \/api\/traces from 127\.0\.0\.1: 401 a bearer token is required/),
      expect.stringMatching(
        /^aitrace serve: refused POST \/api\/ingest from 127\.0\.0\.1: 413 request body \(Content-Length 2000\) is larger than the limit of 1024 bytes/,
      ),
      expect.stringMatching(/^aitrace serve: refused POST \/api\/ingest from 127\.0\.0\.1: 413 .*more than 3 lines/),
      expect.stringMatching(/^aitrace serve: refused GET \/api\/traces from 127\.0\.0\.1: 403 this server does not answer to the Host "other\.example\.com"/),
    ]);
  });

  it('prints every bound address with --otlp-http-port 0 --otlp-grpc-port 0, and names the flag of a port in use', async () => {
    const result = await serve(['--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--db', ':memory:'], async () => {});
    expect(result.code).toBe(0);
    const otlpHttp = /OTLP\/HTTP \(protobuf, JSON\): (http:\/\/127\.0\.0\.1:(\d+)\/) /.exec(result.out);
    const otlpGrpc = /OTLP\/gRPC: 127\.0\.0\.1:(\d+) /.exec(result.out);
    expect(otlpHttp?.[2]).not.toBe('0');
    expect(otlpGrpc?.[1]).not.toBe('0');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      for (const flag of ['--otlp-http-port', '--otlp-grpc-port']) {
        const other = flag === '--otlp-http-port' ? '--otlp-grpc-port' : '--otlp-http-port';
        const refused = await serve(['--port', '0', flag, port, other, 'off', '--db', ':memory:']);
        expect(refused.code, flag).toBe(1);
        expect(refused.err).toContain(`cannot listen on 127.0.0.1:${port} for OTLP/`);
        expect(refused.err).toContain(`(the port is in use: pick another with ${flag}, 0 for any free port, or ${flag} off)`);
      }
    } finally {
      taken.close();
    }
  });

  it('warns when it listens beyond loopback without a token, and only then', async () => {
    const off = ['--otlp-http-port', 'off', '--otlp-grpc-port', 'off'];
    const open = await serve(['--port', '0', ...off, '--db', ':memory:', '--host', '0.0.0.0'], async () => undefined);
    expect(open.err).toContain(
      'aitrace serve: warning: listening on 0.0.0.0 without a token: anyone who can reach this machine can read and write its traces; pass --token',
    );
    const guarded = await serve(['--port', '0', ...off, '--db', ':memory:', '--host', '0.0.0.0', '--token', 'secret'], async () => undefined);
    expect(guarded.err).not.toContain('warning');
    const local = await serve(['--port', '0', ...off, '--db', ':memory:'], async () => undefined);
    expect(local.err).not.toContain('warning');
  });

  it('exits with 1 and says why when the server cannot start', async () => {
    const result = await serve(['--port', '0', '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', '--db', join(dir, 'no', 'such', 'dir', 'x.db')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot open the trace database ".*x\.db"/);
  });
});
