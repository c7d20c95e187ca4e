export { autoSpan, type AutoSpanOptions } from './autoSpan.js';
export { BufferedTrace, type BufferedTraceOptions } from './BufferedTrace.js';
export { getLogger, type Logger, type LoggerOptions } from './getLogger.js';
export type { SpanOptions } from './runInSpan.js';
export { span } from './span.js';
export { traceContext, type TraceScope } from './traceContext.js';
