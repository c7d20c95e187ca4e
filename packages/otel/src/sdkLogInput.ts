import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LogInput, ScopeInput } from '@aitrace/format';

// Log record fields that differ between sdk-logs releases; read defensively.
interface LogCompat {
  eventName?: string;
  instrumentationScope?: ScopeInput;
  instrumentationLibrary?: ScopeInput;
}

/** An sdk-logs log record as the record mapping's input. */
export function sdkLogInput(log: ReadableLogRecord): LogInput {
  const compat = log as unknown as LogCompat;
  const context = log.spanContext;
  return {
    time: log.hrTime,
    traceId: context?.traceId,
    spanId: context?.spanId,
    eventName: compat.eventName,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: log.body,
    attributes: log.attributes,
    resource: log.resource,
    scope: compat.instrumentationScope ?? compat.instrumentationLibrary,
  };
}
