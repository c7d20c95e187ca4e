import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './runCli.js';
import { expectSameRecords, storedRecords, useRoundTripServers, writeSdkTrace } from './sdkTrace.js';

describe('aitrace convert --to otlp-json', () => {
  const servers = useRoundTripServers();

  it('writes one export request per line, which an OTLP receiver stores as the original records', async () => {
    const file = join(servers.dir, 'sdk.jsonl');
    const traceId = await writeSdkTrace(file);
    const out = join(servers.dir, 'sdk.otlp.jsonl');
    const result = runCli(['convert', file, '--to', 'otlp-json', '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`${out}: 8 record(s) converted to 2 otlp-json line(s), 0 unreadable line(s)\n`);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => Object.keys(line))).toEqual([['resourceSpans'], ['resourceLogs']]);
    for (const line of lines) {
      const path = 'resourceSpans' in line ? '/v1/traces' : '/v1/logs';
      const response = await servers.received.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(line) });
      expect(await response.json()).toEqual({});
    }
    await servers.original.request('/api/ingest', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: readFileSync(file) });
    expectSameRecords(await storedRecords(servers.received, traceId), await storedRecords(servers.original, traceId));
  });

  it('refuses to overwrite OUT without --force and names a wrong --to', () => {
    const out = join(servers.dir, 'exists.jsonl');
    writeFileSync(out, 'keep\n');
    const file = fixture('v2-span-lifecycle.jsonl');
    expect(runCli(['convert', file, '--to', 'otlp-json', '-o', out]).stderr).toContain(`${out} exists; pass --force to overwrite it`);
    expect(readFileSync(out, 'utf8')).toBe('keep\n');
    expect(runCli(['convert', file, '--to', 'zipkin']).stderr).toContain('--to must be otlp-json or aitrace, got "zipkin"');
    expect(runCli(['convert', file]).stderr).toContain('convert needs --to otlp-json or --to aitrace');
    expect(runCli(['convert', file, '--to', 'otlp-json', '-o', out, '--force']).code).toBe(0);
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });
});
