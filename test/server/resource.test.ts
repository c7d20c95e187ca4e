import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { buildSpanForest } from '@aitrace/forest';
import { normalizeRecord, validateRecord, type NormalizedRecord } from '@aitrace/format';
import { createAitrace } from '@aitrace/otel';
import type { TracePage } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/runCli.js';
import { readJson, startTestServer, type TestServer, type TraceAnswer } from './harness.js';

const RESOURCE = {
  'service.name': 'shop',
  'service.version': '2.4.1',
  'deployment.environment.name': 'staging',
  'host.name': 'web-1',
  'k8s.pod.name': 'shop-7d9f',
  'k8s.namespace.name': 'prod-eu',
};
const { 'service.name': _service, ...WITHOUT_SERVICE } = RESOURCE;

/** Writes one trace (a span with an event, a child, a log) with the resource above, in normal or compat mode. */
async function writeTrace(compatMode: boolean): Promise<{ file: string; traceId: string; lines: Record<string, unknown>[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'aitrace-resource-')), 'trace.jsonl');
  const aitrace = createAitrace({ output: file, config: false, compatMode });
  const resource = resourceFromAttributes(RESOURCE);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [aitrace.spanProcessor] });
  const loggerProvider = new LoggerProvider({ resource, processors: [aitrace.logRecordProcessor] });
  const root = tracerProvider.getTracer('shop').startSpan('checkout', { attributes: { cart: 3 } });
  root.addEvent('priced', { total: 12.5 });
  const inRoot = trace.setSpan(context.active(), root);
  tracerProvider.getTracer('shop').startSpan('charge', {}, inRoot).end();
  loggerProvider.getLogger('shop').emit({ eventName: 'paid', context: inRoot });
  root.end();
  await loggerProvider.shutdown();
  await tracerProvider.shutdown();
  await aitrace.shutdown();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { file, traceId: root.spanContext().traceId, lines };
}

function normalized(lines: Record<string, unknown>[]): NormalizedRecord[] {
  return lines.map((line) => {
    const result = normalizeRecord(line);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.record;
  });
}

describe('resource attributes on every record', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  for (const compatMode of [false, true]) {
    it(`every record carries the resource, service.name as service${compatMode ? ' (compat mode, the general encoder)' : ''}`, async () => {
      const { lines } = await writeTrace(compatMode);
      expect(lines.map((line) => (line.__tracer_meta__ as { type: string }).type).sort()).toEqual([
        'log',
        'span_end',
        'span_end',
        'span_event',
        'span_start',
        'span_start',
      ]);
      for (const line of lines) {
        expect(validateRecord(line)).toEqual([]);
        expect(line.__tracer_meta__).toMatchObject({ service: 'shop', resource: WITHOUT_SERVICE });
      }
      for (const record of normalized(lines)) expect(record).toMatchObject({ service: 'shop', resource: WITHOUT_SERVICE });
    });
  }

  it('shows in the forest, the CLI tree, and the server, where version and environment filter traces', async () => {
    const { file, traceId, lines } = await writeTrace(false);
    const forest = buildSpanForest(normalized(lines));
    const [root] = forest.traces[0]!.roots;
    expect(root?.resource).toEqual(WITHOUT_SERVICE);
    expect(root?.children[0]?.resource).toEqual(WITHOUT_SERVICE);

    const tree = runCli(['tree', file]);
    expect(tree.stderr).toBe('');
    expect(tree.stdout.split('\n')[0]).toContain('shop  2.4.1 staging  2 spans');
    const json = runCli(['tree', file, '--json']);
    expect(json.stdout).toContain('"k8s.pod.name": "shop-7d9f"');
    const filtered = runCli(['tree', file, '--where', 'service.version=2.4.1']);
    expect(filtered.stdout).toContain('checkout');
    expect(runCli(['tree', file, '--where', 'service.version=9.9.9']).stdout).not.toContain('checkout');

    const ingest = await server.request('/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: readFileSync(file) });
    expect(ingest.status).toBe(200);
    const listed = async (query: string): Promise<string[]> =>
      (await readJson<TracePage>(await server.request(`/api/traces?${query}`))).traces.map((t) => t.traceId);
    expect(await listed('service_version=2.4.1')).toContain(traceId);
    expect(await listed('environment=staging&service=shop')).toContain(traceId);
    expect(await listed('service_version=2.4.0')).not.toContain(traceId);
    expect(await listed('environment=production')).not.toContain(traceId);
    const stored = (await readJson<TraceAnswer>(await server.request(`/api/traces/${traceId}`))).records;
    expect(stored.length).toBeGreaterThan(0);
    for (const record of stored) expect(record.resource).toEqual(WITHOUT_SERVICE);
  });
});
