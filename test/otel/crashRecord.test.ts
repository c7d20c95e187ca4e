import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpanForest } from '@aitrace/forest';
import { describe, expect, it } from 'vitest';
import { readTrace } from './traceFile.js';

const app = fileURLToPath(new URL('./apps/crash-app.mjs', import.meta.url));

function crash(death: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'aitrace-crash-')), 'trace.jsonl');
  const result = spawnSync(process.execPath, [app, file, death], { encoding: 'utf8', timeout: 30_000 });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('card 4242 declined');
  return readTrace(file);
}

describe('a process that dies of an uncaught error', () => {
  for (const [death, origin] of [
    ['throw', 'uncaughtException'],
    ['reject', 'unhandledRejection'],
  ] as const) {
    it(`writes the error (${origin}) as an exception record linked to the span that was active, before its spans are cut off`, () => {
      const records = crash(death);
      const charge = records.find((r) => r.type === 'span_start' && r.name === 'charge.card');
      const exception = records.find((r) => r.event === 'exception');
      expect(exception).toMatchObject({ type: 'log', level: 'fatal', traceId: charge?.traceId, spanId: charge?.spanId });
      expect(exception?.attrs).toMatchObject({
        'exception.type': 'PaymentDeclined',
        'exception.message': 'card 4242 declined',
        'exception.escaped': true,
        'aitrace.crash': origin,
      });
      expect(String(exception?.attrs['exception.stacktrace'])).toMatch(/PaymentDeclined: card 4242 declined\n\s+at .*crash-app\.mjs:\d+/);
      // A reader shows the crash with the span it cut off.
      const forest = buildSpanForest(records, { ended: true });
      const node = forest.traces[0]?.roots[0]?.children[0];
      expect(node).toMatchObject({ name: 'charge.card', state: 'cut_off' });
    });
  }

  it('writes it with no span when none was active', () => {
    const exception = crash('reject-outside').find((r) => r.event === 'exception');
    expect(exception).toMatchObject({ type: 'log', level: 'fatal' });
    expect(exception?.traceId).toBeUndefined();
  });
});
