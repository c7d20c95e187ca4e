export { createTraceMcpServer, MCP_INSTRUCTIONS, registerTraceTools } from './tools.js';
export type { TraceScope, TraceSelection, TraceSource } from './TraceSource.js';
export { FileTraceSource, type FileTraceSourceOptions } from './FileTraceSource.js';
export { StoreTraceSource, type StoreTraceSourceOptions } from './StoreTraceSource.js';
export type { CatalogPage, CatalogQuery, TraceCatalog } from './TraceCatalog.js';
export { HttpTraceCatalog, type HttpTraceCatalogOptions } from './HttpTraceCatalog.js';
export { DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS } from './budget.js';
export { InputError } from './InputError.js';
export { SourceError } from './SourceError.js';
export { parseFilter } from './spanFilter.js';
export { ellipsize } from './text/ellipsize.js';
export { ModelTable, type ModelRow } from './text/modelStats.js';
export {
  formatDuration,
  formatTokens,
  keyAttributes,
  messageLines,
  recordLine,
  renderForest,
  spanLine,
  traceHeader,
  type RenderOptions,
} from './text/renderTree.js';
export { NameStats, SAMPLE_SIZE, SpanNameTable } from './text/SpanNameTable.js';
export { nameRows, statsLines, statsRow, type StatsResult, type StatsRow } from './text/statsText.js';
export { createStyle, PLAIN_STYLE, type Style } from './text/style.js';
