import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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

  it('writes records to stdout when AITRACE_OUTPUT is unset', () => {
    const result = runPreloaded({ AITRACE_OUTPUT: '', OTEL_SERVICE_NAME: 'to-stdout' });
    expect(result.status).toBe(0);
    const records = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => normalizeRecord(JSON.parse(line)));
    expect(records.length).toBe(12);
    expect(records.every((r) => r.ok && r.record.service === 'to-stdout')).toBe(true);
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

