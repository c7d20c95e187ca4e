import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig, setCompatMode } from '@aitrace/format/config';
import { createAitrace, type AitraceOptions } from '@aitrace/otel';

async function traceOneSpan(options: AitraceOptions): Promise<Record<string, unknown>[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'aitrace-compat-')), 'trace.jsonl');
  const aitrace = createAitrace({ ...options, output: file });
  const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
  provider
    .getTracer('t')
    .startSpan('import.file', { attributes: { timestamp: 'user value', rows: 10 } })
    .end();
  await provider.shutdown();
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectCompat(records: Record<string, unknown>[]): void {
  expect(records).toHaveLength(2);
  for (const record of records) {
    const meta = record.__tracer_meta__ as Record<string, unknown>;
    expect(Object.keys(record)[0]).toBe('timestamp');
    expect(record.timestamp).toBe(meta.timestamp);
    // The user's own "timestamp" attribute is moved aside, not lost.
    expect(record._timestamp).toBe('user value');
    expect(meta.renamed).toEqual({ _timestamp: 'timestamp' });
    expect(record.rows).toBe(10);
  }
}

describe('compat mode', () => {
  afterEach(() => resetConfig());

  it('is off by default: timestamp only under __tracer_meta__', async () => {
    const records = await traceOneSpan({ config: { env: {}, configFile: false } });
    expect(records[0]?.timestamp).toBe('user value');
    expect((records[0]?.__tracer_meta__ as Record<string, unknown>).compat).toBeUndefined();
  });

  it('turns on from AITRACE_COMPAT_MODE', async () => {
    expectCompat(await traceOneSpan({ config: { env: { AITRACE_COMPAT_MODE: 'true' }, configFile: false } }));
  });

  it('turns on from compat-mode in aitrace.yaml and aitrace.toml', async () => {
    const yamlDir = mkdtempSync(join(tmpdir(), 'aitrace-yaml-'));
    writeFileSync(join(yamlDir, 'aitrace.yaml'), 'compat-mode: true\n');
    expectCompat(await traceOneSpan({ config: { env: {}, cwd: yamlDir } }));
    const tomlDir = mkdtempSync(join(tmpdir(), 'aitrace-toml-'));
    writeFileSync(join(tomlDir, 'aitrace.toml'), 'compat-mode = true\n');
    expectCompat(await traceOneSpan({ config: { env: {}, cwd: tomlDir } }));
  });

  it('turns on in code, with the option or setCompatMode(), over the environment', async () => {
    expectCompat(await traceOneSpan({ compatMode: true, config: { env: { AITRACE_COMPAT_MODE: 'false' }, configFile: false } }));
    setCompatMode(true);
    expectCompat(await traceOneSpan({ config: { env: { AITRACE_COMPAT_MODE: 'false' }, configFile: false } }));
  });

  it('rejects a bad value with an error naming the variable', () => {
    expect(() => createAitrace({ config: { env: { AITRACE_COMPAT_MODE: 'maybe' }, configFile: false } })).toThrow(
      /AITRACE_COMPAT_MODE: expected true or false, got "maybe"/,
    );
  });
});
