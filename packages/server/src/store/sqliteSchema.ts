/** Version of the SQLite schema below, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 6;

/**
 * The SQLite schema. Spans keep one row each (the start while running, then the end merged with it);
 * span events and logs go to `records`; `traces` holds per-trace summaries maintained on ingest so the
 * trace list never aggregates spans. User data sits in the JSON `attrs` column; the normalized record
 * without it in `record`. `service_version` and `environment` come from the record's resource, for filtering;
 * `record_key` (a hash of the whole record) makes storing a record again, as a retried batch does, a no-op.
 * A span's `genai` holds its models, conversation and token usage (JSON, null for other spans); the trace's
 * token totals, models and conversations are rolled up from them into `traces` on ingest. Each index serves a
 * query the store runs (every row written updates every index of its table): the trace list's filters by name,
 * service, version and environment, the logs' time, trace and level filters, retention, and a trace's spans in
 * start order (streamed to a viewer parents first, without sorting the trace); version and environment, which
 * most records lack, are indexed only where they are set.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  time_us INTEGER NOT NULL,
  start_us INTEGER NOT NULL,
  end_us INTEGER,
  duration_ms REAL,
  name TEXT NOT NULL,
  event TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT,
  service TEXT,
  level TEXT,
  record TEXT NOT NULL,
  attrs TEXT NOT NULL,
  service_version TEXT,
  environment TEXT,
  genai TEXT,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS spans_name ON spans (name, trace_id);
CREATE INDEX IF NOT EXISTS spans_service ON spans (service, trace_id);
CREATE INDEX IF NOT EXISTS spans_service_version ON spans (service_version, trace_id) WHERE service_version IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_environment ON spans (environment, trace_id) WHERE environment IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_start ON spans (start_us);
CREATE INDEX IF NOT EXISTS spans_trace_start ON spans (trace_id, start_us);

CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY,
  trace_id TEXT,
  span_id TEXT,
  parent_span_id TEXT,
  time_us INTEGER NOT NULL,
  name TEXT,
  event TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT,
  service TEXT,
  level TEXT,
  record TEXT NOT NULL,
  attrs TEXT NOT NULL,
  service_version TEXT,
  environment TEXT,
  record_key TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS records_key ON records (record_key);
CREATE INDEX IF NOT EXISTS records_trace ON records (trace_id, time_us);
CREATE INDEX IF NOT EXISTS records_time ON records (time_us);
CREATE INDEX IF NOT EXISTS records_level ON records (level);
CREATE INDEX IF NOT EXISTS records_service ON records (service, trace_id);
CREATE INDEX IF NOT EXISTS records_service_version ON records (service_version, trace_id) WHERE service_version IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_environment ON records (environment, trace_id) WHERE environment IS NOT NULL;

CREATE TABLE IF NOT EXISTS traces (
  trace_id TEXT PRIMARY KEY,
  root_span_id TEXT,
  root_name TEXT,
  root_parentless INTEGER NOT NULL DEFAULT 0,
  root_start_us INTEGER,
  service TEXT,
  start_us INTEGER NOT NULL,
  end_us INTEGER,
  last_us INTEGER NOT NULL,
  span_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  running_count INTEGER NOT NULL DEFAULT 0,
  record_count INTEGER NOT NULL DEFAULT 0,
  input_tokens REAL,
  output_tokens REAL,
  models TEXT NOT NULL DEFAULT '[]',
  conversations TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS traces_start ON traces (start_us, trace_id);
CREATE INDEX IF NOT EXISTS traces_last ON traces (last_us);

CREATE TABLE IF NOT EXISTS sources (
  file_id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  offset INTEGER NOT NULL,
  line INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  head_length INTEGER NOT NULL
);
`;

/** Statements that bring a database of an older schema version up to this one, by the version they start from. */
export const SQLITE_MIGRATIONS: Readonly<Record<number, string>> = {
  1: `
ALTER TABLE spans ADD COLUMN service_version TEXT;
ALTER TABLE spans ADD COLUMN environment TEXT;
ALTER TABLE records ADD COLUMN service_version TEXT;
ALTER TABLE records ADD COLUMN environment TEXT;
`,
  2: `
ALTER TABLE spans ADD COLUMN genai TEXT;
ALTER TABLE traces ADD COLUMN input_tokens REAL;
ALTER TABLE traces ADD COLUMN output_tokens REAL;
ALTER TABLE traces ADD COLUMN models TEXT NOT NULL DEFAULT '[]';
ALTER TABLE traces ADD COLUMN conversations TEXT NOT NULL DEFAULT '[]';
`,
  3: `
ALTER TABLE records ADD COLUMN record_key TEXT;
`,
  // Indexes no query used, and full indexes of mostly-null columns that the schema now keeps partial.
  4: `
DROP INDEX IF EXISTS spans_span_id;
DROP INDEX IF EXISTS spans_parent;
DROP INDEX IF EXISTS spans_status;
DROP INDEX IF EXISTS spans_type;
DROP INDEX IF EXISTS records_span;
DROP INDEX IF EXISTS records_event;
DROP INDEX IF EXISTS spans_service_version;
DROP INDEX IF EXISTS spans_environment;
DROP INDEX IF EXISTS records_service_version;
DROP INDEX IF EXISTS records_environment;
`,
};
