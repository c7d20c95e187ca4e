export { startServer, type RunningServer } from './startServer.js';
export { runServeCommand, SERVE_HELP, type ServeCommandIo } from './runServeCommand.js';
export { checkServerOptions, SERVER_DEFAULTS, type ServerOptions } from './ServerOptions.js';
export { SqliteTraceStore, DEFAULT_TRACE_LIMIT, MAX_TRACE_LIMIT, type SqliteTraceStoreOptions } from './store/SqliteTraceStore.js';
export { QueryError } from './store/QueryError.js';
export type {
  Facets,
  FacetValue,
  IngestChanges,
  LogPage,
  TraceRecordOrder,
  LogQuery,
  RetentionPolicy,
  RetentionResult,
  SortOrder,
  SourceCursor,
  SpanStats,
  StatsQuery,
  TracePage,
  TraceQuery,
  TraceSort,
  TraceStatusFilter,
  TraceStore,
  TraceSummary,
} from './store/TraceStore.js';
export { TRACE_SORTS } from './store/TraceStore.js';
export { parseJsonlBatch, type ParsedBatch } from './ingest/parseJsonlBatch.js';
export { TraceWatcher, type TraceWatcherOptions } from './watch/TraceWatcher.js';
export { LiveHub, type LiveFilter, type LiveHubOptions } from './LiveHub.js';
export { findViewerDir, VIEWER_MISSING_TEXT } from './serveViewer.js';
export { HTML_CSP } from './http/respond.js';
