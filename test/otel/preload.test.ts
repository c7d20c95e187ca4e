import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
});
