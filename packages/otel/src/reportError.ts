import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';

/** Hands an error to OpenTelemetry's global error handler (which logs through `diag` by default); never throws. */
export function reportError(error: unknown, context: string): void {
  try {
    const message = error instanceof Error ? error.message : String(error);
    globalErrorHandler(new Error(`aitrace: ${context}: ${message}`, { cause: error }));
  } catch {
    diag.error(`aitrace: ${context}`, error);
  }
}
