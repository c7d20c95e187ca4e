import { describe, expect, it } from 'vitest';
import { RefusalLog } from './RefusalLog.js';

describe('RefusalLog', () => {
  it('logs a sender and reason once per interval, then again with the count of those left out', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RefusalLog({ report: (line) => lines.push(line), intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 4; i++) log.note('10.0.0.5', 415, 'POST /v1/traces', `Content-Type must be JSON, got length ${i}`);
    log.note('10.0.0.6', 415, 'POST /v1/traces', 'Content-Type must be JSON, got length 0');
    log.note('10.0.0.5', 401, 'POST /v1/traces', 'a bearer token is required');
    expect(lines).toEqual([
      'refused POST /v1/traces from 10.0.0.5: 415 Content-Type must be JSON, got length 0; the same refusal from this sender is logged again after 60 s',
      'refused POST /v1/traces from 10.0.0.6: 415 Content-Type must be JSON, got length 0; the same refusal from this sender is logged again after 60 s',
      'refused POST /v1/traces from 10.0.0.5: 401 a bearer token is required; the same refusal from this sender is logged again after 60 s',
    ]);
    now = 60_000;
    log.note('10.0.0.5', 415, 'POST /v1/traces', 'Content-Type must be JSON, got length 9');
    expect(lines[3]).toBe(
      'refused POST /v1/traces from 10.0.0.5: 415 Content-Type must be JSON, got length 9 (3 more like it since the last line); the same refusal from this sender is logged again after 60 s',
    );
  });

  it('keeps a bounded table when every request comes from a new sender', () => {
    const lines: string[] = [];
    const log = new RefusalLog({ report: (line) => lines.push(line) });
    for (let i = 0; i < 5000; i++) log.note(`10.0.${i >> 8}.${i & 255}`, 400, 'POST /v1/logs', 'bad');
    expect(lines).toHaveLength(5000);
    expect((log as unknown as { seen: Map<string, unknown> }).seen.size).toBeLessThanOrEqual(1000);
  });
});
