import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTrace, unendedSpans } from './traceFile.js';

describe('HTTP server and client traced by the OTel instrumentations', () => {
  const app = fileURLToPath(new URL('./apps/http-app.mjs', import.meta.url));
  let file = '';
  let result: { status: number | null; stderr: string } = { status: null, stderr: '' };

  // The app runs once, when the tests run (not when the file is collected), under the hook's own timeout.
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'aitrace-http-')), 'trace.jsonl');
    result = await new Promise((resolve) => {
      execFile(process.execPath, [app, file], { encoding: 'utf8', timeout: 30_000 }, (error, _stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
      });
    });
  }, 40_000);

  it('runs the app', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('writes nested spans with parent links across the wire', () => {
    const records = readTrace(file);
    const ends = records.filter((r) => r.type === 'span_end');
    const root = ends.find((r) => r.name === 'checkout.flow');
    expect(root).toBeDefined();
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.status).toBe('error');
    expect(root?.statusMessage).toBe('payment failed');
    expect(root?.service).toBe('shop');

    const clients = ends.filter((r) => r.kind === 'client');
    const servers = ends.filter((r) => r.kind === 'server');
    expect(clients).toHaveLength(2);
    expect(servers).toHaveLength(2);
    for (const client of clients) {
      expect(client.parentSpanId).toBe(root?.spanId);
      expect(client.traceId).toBe(root?.traceId);
      // The server span continues the trace from the client's traceparent header.
      const server = servers.find((s) => s.parentSpanId === client.spanId);
      expect(server?.traceId).toBe(root?.traceId);
    }
    const failing = servers.find((s) => String(s.attrs['url.path'] ?? s.attrs['http.target'] ?? '').includes('/fail'));
    expect(failing?.attrs['http.response.status_code'] ?? failing?.attrs['http.status_code']).toBe(500);
    expect(failing?.status).toBe('error');
    const fetchClient = clients.find((c) => c.scope === '@opentelemetry/instrumentation-undici');
    expect(fetchClient?.attrs['http.response.status_code']).toBe(500);
  });

  it('writes each start before its end, provisional, with the start attributes', () => {
    const records = readTrace(file);
    expect(unendedSpans(records)).toEqual([]);
    const start = records.findIndex((r) => r.event === 'checkout.flow.start');
    const end = records.findIndex((r) => r.event === 'checkout.flow.end');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(end);
    expect(records[start]?.provisional).toBe(true);
    expect(records[start]?.attrs['cart.items']).toBe(3);
  });
});
