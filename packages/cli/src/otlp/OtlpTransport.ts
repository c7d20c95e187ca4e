import type { OtlpExportRequest } from '@aitrace/format';

/** What an endpoint answered to one export request, sorted the way the OTLP specification sorts answers. */
export type ExportAnswer =
  /** Stored; `rejected` items were refused inside an accepted request (partial success). */
  | { kind: 'accepted'; rejected: number; message?: string }
  /** Try again later (HTTP 429/502/503/504, gRPC UNAVAILABLE..., a network error), after `retryAfterMs` if given. */
  | { kind: 'retryable'; message: string; retryAfterMs?: number }
  /** Refused for good; `fatal` when every later request would be refused too (authentication, wrong URL). */
  | { kind: 'refused'; message: string; fatal: boolean };

/** Sends export requests over one OTLP protocol. */
export interface OtlpTransport {
  send(request: OtlpExportRequest): Promise<ExportAnswer>;
  close(): Promise<void>;
}

/** Partial success as OTLP responses carry it (`rejectedSpans` / `rejectedLogRecords` and `errorMessage`). */
export function partialSuccessAnswer(response: unknown): ExportAnswer {
  const partial = (response as { partialSuccess?: Record<string, unknown> } | null)?.partialSuccess;
  const rejected = Number(partial?.rejectedSpans ?? partial?.rejectedLogRecords ?? 0);
  const message = typeof partial?.errorMessage === 'string' && partial.errorMessage !== '' ? partial.errorMessage : undefined;
  const answer: ExportAnswer = { kind: 'accepted', rejected: Number.isFinite(rejected) && rejected > 0 ? rejected : 0 };
  if (message !== undefined) answer.message = message;
  return answer;
}
