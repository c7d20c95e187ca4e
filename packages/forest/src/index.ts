export { buildSpanForest, ForestBuilder, walkSpans, type ForestOptions } from './ForestBuilder.js';
export { DEFAULT_MAX_LINE_LENGTH, LineReader, readJsonl, type LineProblem, type LineReaderOptions, type LineRecord, type ReadBatch } from './LineReader.js';
export type { SpanForest, SpanNode, SpanState, TraceTree } from './types.js';
export { attributeValue, isFiltering, matchesSpan, pruneSpans, type SpanFilter } from './spanFilter.js';
export { mergeSpanRecords } from './mergeSpanRecords.js';
export {
  genAiEventName,
  genAiView,
  isGenAiSpan,
  conversationIdOf,
  modelOf,
  modelsOf,
  usageOf,
  type GenAiMessage,
  type GenAiToolCall,
  type GenAiToolResult,
  type GenAiUsage,
  type GenAiView,
} from './genai/genAiView.js';
export { hasUsage, spanListTokens, subtreeTokens, tokensBySpan, traceTokens, type TokenTotals, type UsageSpan } from './genai/tokenRollup.js';
export { formatCount, totalsBadge, totalsWords, usageBadge, usageWords } from './genai/tokenText.js';
export {
  isTraceStatus,
  TRACE_SORTS,
  TRACE_STATUSES,
  type AttrFilter,
  type Facets,
  type FacetValue,
  type SortOrder,
  type TraceQuery,
  type TraceSort,
  type TraceStatusFilter,
  type TraceSummary,
} from './query/TraceQuery.js';
export {
  hasGenAi,
  isSpanRecord,
  newTraceTally,
  spanGenAi,
  spanStartUs,
  storedTrace,
  tallyGenAi,
  tallyRecord,
  tallySpan,
  traceSummaryOf,
  type SpanGenAi,
  type StoredTrace,
  type TraceTally,
} from './query/traceTally.js';
export { asciiLower, attrText, compareTraces, traceMatches } from './query/matchTrace.js';
export {
  FILTER_FIELDS,
  FilterSyntaxError,
  parseFilterText,
  quoteFilterValue,
  traceQueryFromText,
  traceQueryToText,
  type FilterField,
  type FilterTerm,
} from './query/filterText.js';
