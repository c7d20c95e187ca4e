import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '@aitrace/format';
import { readTrace, unendedSpans } from './traceFile.js';

const exampleDir = fileURLToPath(new URL('../../examples/preload/', import.meta.url));

function runPreloaded(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', '@aitrace/otel/register', 'app.mjs'], {
    cwd: exampleDir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
}

describe('node --import @aitrace/otel/register', () => {
  it('traces an unmodified app to AITRACE_OUTPUT with the auto-instrumentations and OTEL_* settings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-preload-')), 'trace.jsonl');
    const result = runPreloaded({ AITRACE_OUTPUT: file, OTEL_SERVICE_NAME: 'preload-test', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('/slow -> 200');

    const records = readTrace(file);
    expect(unendedSpans(records)).toEqual([]);
    const ends = records.filter((r) => r.type === 'span_end');
    const servers = ends.filter((r) => r.kind === 'server');
    const clients = ends.filter((r) => r.kind === 'client');
    expect(servers).toHaveLength(3);
    expect(clients).toHaveLength(3);
    expect(ends.every((r) => r.service === 'preload-test')).toBe(true);
    for (const server of servers) expect(clients.map((c) => c.spanId)).toContain(server.parentSpanId);
    const slow = servers.find((r) => r.attrs['url.path'] === '/slow' || r.attrs['http.target'] === '/slow');
    expect(slow?.durationMs).toBeGreaterThanOrEqual(45);
  });

  it('writes to a file of its own when AITRACE_OUTPUT is unset, says where once, and to stdout with AITRACE_OUTPUT=-', () => {
    const traces = join(exampleDir, 'traces');
    rmSync(traces, { recursive: true, force: true });
    try {
      const result = runPreloaded({ AITRACE_OUTPUT: '', OTEL_SERVICE_NAME: 'to file' });
      expect(result.status).toBe(0);
      expect(result.stdout).not.toContain('{"__tracer_meta__"');
      const file = `traces/to_file-${new Date().toISOString().slice(0, 10)}.jsonl`;
      expect(result.stderr.match(/aitrace: writing traces to/g)).toHaveLength(1);
      expect(result.stderr).toContain('aitrace: writing traces to traces/to_file-{date}.jsonl');
      expect(readTrace(join(exampleDir, file)).filter((r) => r.type === 'span_end')).toHaveLength(6);
    } finally {
      rmSync(traces, { recursive: true, force: true });
    }

    const result = runPreloaded({ AITRACE_OUTPUT: '-', OTEL_SERVICE_NAME: 'to-stdout' });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('writing traces to');
    const records = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => normalizeRecord(JSON.parse(line)));
    expect(records.length).toBe(12);
    expect(records.every((r) => r.ok && r.record.service === 'to-stdout')).toBe(true);
  });

  it('says once on stderr when it cannot trace, and with AITRACE_REQUIRED=true does not let the app start untraced', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-preload-')), 'trace.jsonl');
    // An option that cannot work (a directory as the trace file) stops tracing; the app still runs, untraced.
    const lenient = runPreloaded({ AITRACE_OUTPUT: tmpdir() });
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toContain('/slow -> 200');
    expect(lenient.stderr.match(/aitrace: tracing is off: /g)).toHaveLength(1);
    const strict = runPreloaded({ AITRACE_OUTPUT: tmpdir(), AITRACE_REQUIRED: 'true' });
    expect(strict.status).toBe(1);
    expect(strict.stdout).not.toContain('/slow -> 200');
    expect(strict.stderr).toContain('AITRACE_REQUIRED is set, so the app does not start');
    expect(runPreloaded({ AITRACE_OUTPUT: file, AITRACE_REQUIRED: 'true' }).status).toBe(0);
  });

  it('reports an OTEL_TRACES_SAMPLER the SDK does not know, instead of sampling everything silently', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-preload-')), 'trace.jsonl');
    const result = runPreloaded({ AITRACE_OUTPUT: file, OTEL_TRACES_SAMPLER: 'always_of' });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'aitrace: OTEL_TRACES_SAMPLER: unknown sampler "always_of", so the SDK samples every trace (parentbased_always_on); use one of always_on, always_off, ',
    );
    const ratio = runPreloaded({ AITRACE_OUTPUT: file, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '5' });
    expect(ratio.stderr).toContain('aitrace: OTEL_TRACES_SAMPLER_ARG: expected a ratio from 0 to 1 for traceidratio, got "5"');
  });

  it('honours OTEL_TRACES_SAMPLER: an always_off sampler writes no span records', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aitrace-preload-')), 'trace.jsonl');
    const result = runPreloaded({ AITRACE_OUTPUT: file, OTEL_TRACES_SAMPLER: 'always_off' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('/slow -> 200');
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('keeps an OTLP exporter from OTEL_TRACES_EXPORTER next to the trace file: both get every span', async () => {
    const received: { spanId: string; name: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { spanId: string; name: string }[] }[] }[] };
          for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
        }
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const file = join(mkdtempSync(join(tmpdir(), 'aitrace-preload-')), 'trace.jsonl');
      const child = spawn(process.execPath, ['--import', '@aitrace/otel/register', 'app.mjs'], {
        cwd: exampleDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          AITRACE_OUTPUT: file,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);

      const fileSpans = readTrace(file).filter((r) => r.type === 'span_end');
      expect(fileSpans).toHaveLength(6);
      expect(received.map((span) => span.spanId).sort()).toEqual(fileSpans.map((r) => r.spanId).sort());
    } finally {
      collector.close();
    }
  });
});
