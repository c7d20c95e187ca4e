import type { NormalizedRecord } from '@aitrace/format';
import type { TraceSource } from '@aitrace/mcp';
import type { HostPolicy } from './http/HostPolicy.js';
import type { RefusalLog } from './http/RefusalLog.js';
import type { LiveHub } from './LiveHub.js';
import type { IngestChanges, SourceCursor, TraceStore } from './store/TraceStore.js';

/** What the request handlers share: the store, live updates and the limits in force. */
export interface ServerContext {
  store: TraceStore;
  hub: LiveHub;
  /** Stores records in one transaction and pushes the changes to live subscribers. */
  ingest: (records: NormalizedRecord[], cursor?: SourceCursor) => Promise<IngestChanges>;
  /** Bearer token required on every data endpoint, if set. */
  token: string | undefined;
  maxBodyBytes: number;
  /** Most lines one JSONL batch may hold. */
  maxBatchLines: number;
  /** Which Host headers and browser origins are answered. */
  hostPolicy: HostPolicy;
  /** Directory of the built viewer, if any. */
  viewerDir: string | undefined;
  /** Unexpected errors (500s) go here. */
  onProblem: (message: string) => void;
  /** The store as the MCP tools of `/mcp` read it (one source, so unchanged traces are not read again per call). */
  mcpSource: TraceSource;
  /** Refused requests (400, 401, 413, 415), logged once per sender and reason. */
  refusals: RefusalLog;
}
