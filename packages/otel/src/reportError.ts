import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';

/** Hands an error to OpenTelemetry's global error handler (which logs through `diag` by default); never throws. */
export function reportError(error: unknown, context: string): void {
  try {
    const wrapped = error instanceof Error ? error : new Error(String(error));
    if (!wrapped.message.startsWith('aitrace')) wrapped.message = `aitrace: ${context}: ${wrapped.message}`;
    globalErrorHandler(wrapped);
  } catch {
    diag.error(`aitrace: ${context}`, error);
  }
}
