export { buildSpanForest, ForestBuilder, walkSpans, type ForestOptions } from './ForestBuilder.js';
export { DEFAULT_MAX_LINE_LENGTH, LineReader, readJsonl, type LineProblem, type LineReaderOptions, type LineRecord, type ReadBatch } from './LineReader.js';
export type { SpanForest, SpanNode, SpanState, TraceTree } from './types.js';
export { attributeValue, isFiltering, matchesSpan, pruneSpans, type SpanFilter } from './spanFilter.js';
export { mergeSpanRecords } from './mergeSpanRecords.js';
export {
  genAiEventName,
  genAiView,
  isGenAiSpan,
  MODEL_ATTRIBUTES,
  modelOf,
  usageOf,
  type GenAiMessage,
  type GenAiToolCall,
  type GenAiToolResult,
  type GenAiUsage,
  type GenAiView,
} from './genai/genAiView.js';
export { subtreeTokens, traceTokens, type TokenTotals } from './genai/tokenRollup.js';
