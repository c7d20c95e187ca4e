import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createAitrace } from '@aitrace/otel';

describe('file rotation under load', () => {
  it('keeps every record, whole, across rotated files that respect the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-rotate-'));
    const maxFileSize = 64 * 1024;
    // A size with a unit, as in the config file and AITRACE_MAX_FILE_SIZE.
    const aitrace = createAitrace({ output: join(dir, 'trace.jsonl'), maxFileSize: '64KB', maxFiles: 1000, config: false });
    const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
    const tracer = provider.getTracer('load');
    const spans = 5000;
    for (let i = 0; i < spans; i++) {
      tracer.startSpan(`work.item`, { attributes: { i, note: 'n'.repeat(i % 50) } }).end();
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await provider.shutdown();

    const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThan(5);
    expect(files).toContain('trace.1.jsonl');
    const seen = new Map<number, number>();
    let total = 0;
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      total += Buffer.byteLength(text);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxFileSize);
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.slice(0, -1).split('\n')) {
        const record = JSON.parse(line) as { i: number };
        seen.set(record.i, (seen.get(record.i) ?? 0) + 1);
      }
    }
    // Files are filled up to the limit, not rotated at every write.
    expect(files.length).toBeLessThanOrEqual(Math.ceil(total / (maxFileSize - 1024)) + 1);
    expect(seen.size).toBe(spans);
    expect([...seen.values()].every((count) => count === 2)).toBe(true);
  });
});
