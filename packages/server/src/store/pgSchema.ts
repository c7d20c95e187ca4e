/** Version of the PostgreSQL schema below, kept in `aitrace_schema.version`. */
export const PG_SCHEMA_VERSION = 1;

/** Advisory lock key held while the schema is created or migrated, so instances starting together take turns. */
export const PG_MIGRATION_LOCK = 7_211_420_018;

/** The channel on which each instance announces the traces it stored, for the live updates of the others. */
export const PG_CHANGES_CHANNEL = 'aitrace_changes';

/**
 * The PostgreSQL schema, the SQLite one's twin: spans keep one row each (start, then the end merged with it),
 * span events and logs go to `records` (keyed by a hash of the whole record, so a retried batch is a no-op),
 * `traces` holds the summaries maintained on ingest. Records are kept as exact JSON text (`record` without user
 * data, `attrs_json`) for answers; user data is also in `attrs` jsonb, GIN-indexed for the attribute filter.
 * `seq` orders rows by when they were written, for live updates across instances. A span's `genai` holds its
 * models, conversation and token usage; the trace's totals, models and conversations are rolled up into `traces`.
 */
export const PG_SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS aitrace_seq;

CREATE TABLE IF NOT EXISTS spans (
  trace_id text NOT NULL,
  span_id text NOT NULL,
  parent_span_id text,
  time_us bigint NOT NULL,
  start_us bigint NOT NULL,
  end_us bigint,
  duration_ms double precision,
  name text NOT NULL,
  event text NOT NULL,
  type text NOT NULL,
  status text,
  status_message text,
  service text,
  level text,
  record text NOT NULL,
  attrs_json text NOT NULL,
  attrs jsonb NOT NULL,
  service_version text,
  environment text,
  genai jsonb,
  seq bigint NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS spans_name ON spans (name, trace_id);
CREATE INDEX IF NOT EXISTS spans_service ON spans (service, trace_id);
CREATE INDEX IF NOT EXISTS spans_service_version ON spans (service_version, trace_id);
CREATE INDEX IF NOT EXISTS spans_environment ON spans (environment, trace_id);
CREATE INDEX IF NOT EXISTS spans_start ON spans (start_us);
CREATE INDEX IF NOT EXISTS spans_attrs ON spans USING gin (attrs jsonb_path_ops);

CREATE TABLE IF NOT EXISTS records (
  id bigserial PRIMARY KEY,
  record_key text NOT NULL UNIQUE,
  trace_id text,
  span_id text,
  parent_span_id text,
  time_us bigint NOT NULL,
  name text,
  event text NOT NULL,
  type text NOT NULL,
  status text,
  service text,
  level text,
  record text NOT NULL,
  attrs_json text NOT NULL,
  attrs jsonb NOT NULL,
  service_version text,
  environment text,
  seq bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS records_trace ON records (trace_id, time_us);
CREATE INDEX IF NOT EXISTS records_time ON records (time_us);
CREATE INDEX IF NOT EXISTS records_service ON records (service, trace_id);
CREATE INDEX IF NOT EXISTS records_service_version ON records (service_version, trace_id);
CREATE INDEX IF NOT EXISTS records_environment ON records (environment, trace_id);
CREATE INDEX IF NOT EXISTS records_attrs ON records USING gin (attrs jsonb_path_ops);

CREATE TABLE IF NOT EXISTS traces (
  trace_id text COLLATE "C" PRIMARY KEY,
  root_span_id text,
  root_name text,
  root_parentless integer NOT NULL DEFAULT 0,
  root_start_us bigint,
  service text,
  start_us bigint NOT NULL,
  end_us bigint,
  last_us bigint NOT NULL,
  span_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  running_count integer NOT NULL DEFAULT 0,
  record_count integer NOT NULL DEFAULT 0,
  input_tokens double precision,
  output_tokens double precision,
  models jsonb NOT NULL DEFAULT '[]',
  conversations jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS traces_start ON traces (start_us DESC, trace_id DESC);
CREATE INDEX IF NOT EXISTS traces_last ON traces (last_us);

CREATE TABLE IF NOT EXISTS sources (
  file_id text PRIMARY KEY,
  path text NOT NULL,
  "offset" bigint NOT NULL,
  line bigint NOT NULL,
  head_hash text NOT NULL,
  head_length integer NOT NULL
);

-- Case-insensitive for ASCII only, as the SQLite store's lower() is, whatever the database's locale.
CREATE OR REPLACE FUNCTION aitrace_lower(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

-- A number as JSON.stringify writes it (the text the attribute rules compare): exponent form from 1e21 up and below 1e-6.
CREATE OR REPLACE FUNCTION aitrace_number_text(n numeric) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN n <> 0 AND (abs(n) >= 1e21 OR abs(n) < 1e-6)
    THEN trim_scale(n / 10::numeric ^ floor(log(abs(n))))::text || 'e' || CASE WHEN floor(log(abs(n))) >= 0 THEN '+' ELSE '-' END || abs(floor(log(abs(n))))::text
    ELSE n::text END $$;
`;

/** Statements that bring a database of an older schema version up to this one, by the version they start from. */
export const PG_MIGRATIONS: Readonly<Record<number, string>> = {};
