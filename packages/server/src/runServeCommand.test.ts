import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServeCommand } from './runServeCommand.js';

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
      expect((await fetch('http://127.0.0.1:4318/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(200);
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('OTLP/HTTP (protobuf, JSON): http://127.0.0.1:4318/ (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318)');
    expect(result.out).toContain('OTLP/gRPC: 127.0.0.1:4317');
    expect(result.out).toContain(`database: ${join(dir, 'aitrace.db')}`);
    expect(result.out).toContain('aitrace server stopped');
    expect(existsSync(join(dir, 'aitrace.db'))).toBe(true);
  });

  it('requires the token from AITRACE_SERVER_TOKEN and applies --max-body', async () => {
    const result = await serve(['--port', '0', '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', '--db', ':memory:', '--max-body', '1k'], async (url) => {
      expect((await fetch(new URL('/api/traces', url))).status).toBe(401);
      const auth = { Authorization: 'Bearer from-env' };
      expect((await fetch(new URL('/api/traces', url), { headers: auth })).status).toBe(200);
      const big = await fetch(new URL('/api/ingest', url), { method: 'POST', headers: auth, body: 'x'.repeat(2000) });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: string }).error).toMatch(/limit of 1024 bytes/);
    }, { AITRACE_SERVER_TOKEN: 'from-env' });
    expect(result.code).toBe(0);
    expect(result.out).toContain('a bearer token is required');
    expect(result.out).not.toMatch(/OTLP\/gRPC|:4318/);
    // Refusals reach stderr with the sender, once per reason: 401 and 413 once each.
    expect(result.err.split('\n').filter((line) => line !== '')).toEqual([
      expect.stringMatching(/^aitrace serve: refused GET \/api\/traces from 127\.0\.0\.1: 401 a bearer token is required/),
      expect.stringMatching(/^aitrace serve: refused POST \/api\/ingest from 127\.0\.0\.1: 413 request body \(Content-Length 2000\) is larger than the limit of 1024 bytes/),
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

  it('exits with 1 and says why when the server cannot start', async () => {
    const result = await serve(['--port', '0', '--otlp-http-port', 'off', '--otlp-grpc-port', 'off', '--db', join(dir, 'no', 'such', 'dir', 'x.db')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot open the trace database ".*x\.db"/);
  });
});
