import type { OtlpExportRequest } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import type { ExportAnswer, OtlpTransport } from './OtlpTransport.js';
import { sendWithRetry } from './sendWithRetry.js';

const REQUEST: OtlpExportRequest = { signal: 'logs', body: { resourceLogs: [] }, items: 1 };

/** A transport that gives the scripted answers in turn. */
function scripted(answers: ExportAnswer[]): OtlpTransport & { calls: number } {
  return {
    calls: 0,
    async send() {
      this.calls++;
      return answers.shift() ?? { kind: 'accepted', rejected: 0 };
    },
    async close() {},
  };
}

describe('sendWithRetry', () => {
  it('backs off exponentially between retryable answers, and waits Retry-After instead when given (capped)', async () => {
    const waits: number[] = [];
    const transport = scripted([
      { kind: 'retryable', message: '503' },
      { kind: 'retryable', message: '503' },
      { kind: 'retryable', message: '429', retryAfterMs: 7000 },
      { kind: 'retryable', message: '429', retryAfterMs: 120_000 },
    ]);
    const answer = await sendWithRetry(transport, REQUEST, { sleep: async (ms) => void waits.push(ms), random: () => 0.5, maxDelayMs: 30_000 });
    expect(answer).toEqual({ kind: 'accepted', rejected: 0 });
    expect(waits).toEqual([500, 1000, 7000, 30_000]);
  });

  it('gives up after the retries, and never retries a refusal', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => void waits.push(ms);
    const busy = scripted(Array.from({ length: 10 }, () => ({ kind: 'retryable', message: 'connect ECONNREFUSED' }) as ExportAnswer));
    expect(await sendWithRetry(busy, REQUEST, { retries: 2, sleep, random: () => 0 })).toEqual({
      kind: 'gave_up',
      message: 'connect ECONNREFUSED',
      attempts: 3,
    });
    expect(waits).toEqual([400, 800]);
    const refusing = scripted([{ kind: 'refused', message: '400 Bad Request', fatal: false }]);
    expect(await sendWithRetry(refusing, REQUEST, { sleep })).toEqual({ kind: 'refused', message: '400 Bad Request', fatal: false });
    expect(refusing.calls).toBe(1);
  });
});
