import type { OtlpExportRequest } from '@aitrace/format';
import type { ExportAnswer, OtlpTransport } from './OtlpTransport.js';

/** How often and how patiently to retry a request that got a retryable answer. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** Wait before the first retry, doubled each time (default 500 ms). */
  initialDelayMs?: number;
  /** Longest wait between attempts, also the cap on Retry-After (default 30 s). */
  maxDelayMs?: number;
  /** Waits; replaceable so tests drive time. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
  /** Told before each wait, e.g. to say so on stderr. */
  onRetry?: (attempt: number, delayMs: number, message: string) => void;
}

/** The last answer to a request: accepted, refused, or given up on after the retries. */
export type FinalAnswer = Exclude<ExportAnswer, { kind: 'retryable' }> | { kind: 'gave_up'; message: string; attempts: number };

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one request, retrying retryable answers with exponential backoff and jitter (0.5 s, 1 s, 2 s... up to
 * 30 s, each between 80% and 120% of that); a Retry-After from the server is waited instead, up to the cap.
 */
export async function sendWithRetry(transport: OtlpTransport, request: OtlpExportRequest, options: RetryOptions = {}): Promise<FinalAnswer> {
  const retries = options.retries ?? 5;
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    const answer = await transport.send(request);
    if (answer.kind !== 'retryable') return answer;
    if (attempt >= retries) return { kind: 'gave_up', message: answer.message, attempts: attempt + 1 };
    const backoff = Math.min(max, initial * 2 ** attempt) * (0.8 + 0.4 * random());
    const delay = Math.round(Math.min(max, answer.retryAfterMs ?? backoff));
    options.onRetry?.(attempt + 1, delay, answer.message);
    await sleep(delay);
  }
}
