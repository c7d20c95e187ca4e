import { createHash, randomUUID } from 'node:crypto';
import type { NormalizedRecord } from '@aitrace/format';
import { tallyGenAi, traceSummaryOf, type SpanGenAi, type TraceTally } from '@aitrace/forest';
import pg from 'pg';
import {
  foldBatch,
  fromTally,
  groupBatch,
  readStoredRecord,
  recordColumns,
  spanKey,
  storedRecordJson,
  toTally,
  type KeyedRecord,
  type RecordColumns,
  type SpanWrite,
  type TraceRow,
} from './ingestFold.js';
import { PG_CHANGES_CHANNEL, PG_MIGRATION_LOCK, PG_MIGRATIONS, PG_SCHEMA, PG_SCHEMA_VERSION } from './pgSchema.js';
import { logFacetQueries, logPageOf, logPageRequest, MAX_FACET_VALUES, statusFacet, traceFacetQueries } from './listQueryRules.js';
import { pgJsonb, pgLogFilter, pgStatsFilter, pgText, pgTraceFilter, type PgFilter } from './pgTraceFilter.js';
import { QueryError } from './QueryError.js';
import { StoreUnavailableError } from './StoreUnavailableError.js';
import { DEFAULT_TRACE_LIMIT, MAX_TRACE_LIMIT } from './SqliteTraceStore.js';
import { encodeTraceCursor } from './traceCursor.js';
import type {
  Facets,
  FacetValue,
  IngestChanges,
  LogPage,
  LogQuery,
  RetentionPolicy,
  RetentionResult,
  SourceCursor,
  SpanStats,
  StatsQuery,
  TracePage,
  TraceQuery,
  TraceRecordOrder,
  TraceStore,
  TraceSummary,
} from './TraceStore.js';

const DAY_US = 86_400_000_000;
/** Traces deleted per retention transaction, so ingest never waits long behind retention. */
const RETENTION_CHUNK = 500;
/** Trace ids per change notification (PostgreSQL payloads hold at most 8000 bytes). */
const NOTIFY_CHUNK = 150;
/** Attempts of an ingest that lost a deadlock to another instance. */
const CONFLICT_ATTEMPTS = 5;

// bigint columns hold µs times and counts, all within Number's safe range.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
// jsonb arrives as its text, as SQLite's JSON columns do, so both stores read trace rows alike.
types.setTypeParser(pg.types.builtins.JSONB, (value: string) => value);

/** Options for `PgTraceStore.open`. */
export interface PgTraceStoreOptions {
  /** `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (libpq parameters such as `?sslmode=require` allowed). */
  url: string;
  /** Most connections this instance opens (default 10). */
  maxConnections?: number;
  /** Told about lost live-update connections and their recovery (default: nowhere). */
  onProblem?: (message: string) => void;
}

/** A PostgreSQL URL with its password hidden, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** True for `postgres://` and `postgresql://` URLs, which `--db` and AITRACE_DB read as PostgreSQL. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Errors that mean the database is out of reach for now, not that the request is wrong. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^(08|57P|53)/.test(code))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable/i.test(
    (error as Error).message ?? '',
  );
}

/** A deadlock or serialization failure: the transaction was rolled back and can simply run again. */
function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

const statementNames = new Map<string, string>();
/** A prepared statement's name, the same for the same text on every connection. */
function named(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `aitrace_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return { name, text, values };
}

/**
 * One column of the rows a wide statement writes: its alias in the SQL and how to read it from an item; a `json`
 * column's values are JSON texts (never null), sent as the array's elements themselves and read as `json`.
 */
type JsonColumn<T> = readonly [alias: string, value: (item: T) => unknown, kind?: 'json' | undefined];

/**
 * The rows of a wide statement, one JSON array per column from parameter `$first` on, zipped back into rows by
 * `ROWS FROM`: JSON.stringify escapes the records' text natively, where a text[] parameter escapes element by
 * element in JavaScript, and no object is built per row. Columns of JSON text (the records, the user data) go in
 * as they are, not escaped again as strings.
 */
function jsonRowsSql(columns: readonly JsonColumn<never>[], first: number): string {
  const arrays = columns.map(([, , kind], i) => `json_array_elements${kind === 'json' ? '' : '_text'}($${first + i}::json)`).join(', ');
  return `ROWS FROM (${arrays}) AS u(${columns.map(([alias]) => alias).join(', ')})`;
}

/** The parameters `jsonRowsSql` reads: each column of `items` as a JSON array. */
function jsonRowsParams<T>(columns: readonly JsonColumn<T>[], items: readonly T[]): string[] {
  return columns.map(([, value, kind]) => (kind === 'json' ? `[${items.map(value).join(',')}]` : JSON.stringify(items.map(value))));
}

/** A record's columns, as both `records` and `spans` rows hold them (`ab`: the attrs when jsonb needs them changed). */
const RECORD_COLUMNS: readonly JsonColumn<RecordColumns>[] = [
  ['tr', (c) => nullableText(c.traceId)],
  ['sp', (c) => nullableText(c.spanId)],
  ['pa', (c) => nullableText(c.parentSpanId)],
  ['tu', (c) => c.timeUs],
  ['na', (c) => nullableText(c.name)],
  ['ev', (c) => pgText(c.event)],
  ['ty', (c) => pgText(c.type)],
  ['st', (c) => nullableText(c.status)],
  ['se', (c) => nullableText(c.service)],
  ['le', (c) => nullableText(c.level)],
  ['re', (c) => c.record, 'json'],
  ['aj', (c) => c.attrs, 'json'],
  ['ab', (c) => pgJsonbOrNull(c.attrs)],
  ['sv', (c) => nullableText(c.serviceVersion)],
  ['en', (c) => nullableText(c.environment)],
];

/** `RECORD_COLUMNS` of items that hold their record's columns. */
function recordColumnsOf<T>(columnsOf: (item: T) => RecordColumns): JsonColumn<T>[] {
  return RECORD_COLUMNS.map(([alias, value, kind]) => [alias, (item: T) => value(columnsOf(item)), kind]);
}

/** A span event or log, with its key. */
const LOOSE_RECORD_COLUMNS: readonly JsonColumn<KeyedRecord>[] = [['k', (r) => r.key], ...recordColumnsOf<KeyedRecord>((r) => r.columns)];

/** A span row: its merged record's columns, then its times, status message and GenAI facts. */
const SPAN_COLUMNS: readonly JsonColumn<{ span: SpanWrite; columns: RecordColumns }>[] = [
  ...recordColumnsOf<{ span: SpanWrite; columns: RecordColumns }>((s) => s.columns),
  ['su', (s) => s.span.startUs],
  ['eu', (s) => s.span.endUs],
  ['dm', (s) => s.span.durationMs],
  ['sm', (s) => nullableText(s.span.record.statusMessage ?? null)],
  ['ga', (s) => (s.span.genAi === undefined ? null : pgJsonb(JSON.stringify(s.span.genAi)))],
];

/** A trace summary row. */
const TRACE_COLUMNS: readonly JsonColumn<TraceRow>[] = [
  ['tr', (r) => pgText(r.trace_id)],
  ['rs', (r) => nullableText(r.root_span_id)],
  ['rn', (r) => nullableText(r.root_name)],
  ['rp', (r) => r.root_parentless],
  ['ru', (r) => r.root_start_us],
  ['se', (r) => nullableText(r.service)],
  ['su', (r) => r.start_us],
  ['eu', (r) => r.end_us],
  ['lu', (r) => r.last_us],
  ['sc', (r) => r.span_count],
  ['ec', (r) => r.error_count],
  ['rc', (r) => r.running_count],
  ['cc', (r) => r.record_count],
  ['it', (r) => r.input_tokens],
  ['ot', (r) => r.output_tokens],
  ['mo', (r) => pgJsonb(r.models)],
  ['co', (r) => pgJsonb(r.conversations)],
];

/** The span upsert, its rows from parameter `$first` on and the batch's sequence number in `$seq`. */
const upsertSpansSql = (first: number, seq: number): string => `INSERT INTO spans (trace_id, span_id, parent_span_id, time_us, start_us, end_us,
      duration_ms, name, event, type, status, status_message, service, level, record, attrs_json, attrs, service_version, environment, genai, seq)
    SELECT tr, sp, pa, tu::bigint, su::bigint, eu::bigint, dm::float8, na, ev, ty, st, sm, se, le, re::text, aj::text, coalesce(ab::jsonb, aj::jsonb), sv, en, ga::jsonb,
      $${seq}::bigint
    FROM ${jsonRowsSql(SPAN_COLUMNS, first)}
    ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, time_us = excluded.time_us,
      start_us = excluded.start_us, end_us = excluded.end_us, duration_ms = excluded.duration_ms, name = excluded.name, event = excluded.event,
      type = excluded.type, status = excluded.status, status_message = excluded.status_message, service = excluded.service, level = excluded.level,
      record = excluded.record, attrs_json = excluded.attrs_json, attrs = excluded.attrs, service_version = excluded.service_version,
      environment = excluded.environment, genai = excluded.genai, seq = excluded.seq`;

/** The trace summaries' upsert, its rows from parameter `$first` on. */
const upsertTracesSql = (first: number): string => `INSERT INTO traces (trace_id, root_span_id, root_name, root_parentless, root_start_us, service,
      start_us, end_us, last_us, span_count, error_count, running_count, record_count, input_tokens, output_tokens, models, conversations)
    SELECT tr, rs, rn, rp::int, ru::bigint, se, su::bigint, eu::bigint, lu::bigint, sc::int, ec::int, rc::int, cc::int, it::float8, ot::float8,
      mo::jsonb, co::jsonb
    FROM ${jsonRowsSql(TRACE_COLUMNS, first)}
    ON CONFLICT (trace_id) DO UPDATE SET root_span_id = excluded.root_span_id, root_name = excluded.root_name,
      root_parentless = excluded.root_parentless, root_start_us = excluded.root_start_us, service = excluded.service,
      start_us = excluded.start_us, end_us = excluded.end_us, last_us = excluded.last_us, span_count = excluded.span_count,
      error_count = excluded.error_count, running_count = excluded.running_count, record_count = excluded.record_count,
      input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, models = excluded.models, conversations = excluded.conversations`;

/** The change notices (text[] in `$notices`) sent on the channel in `$channel` when the transaction commits. */
const notifySql = (channel: number, notices: number): string => `SELECT count(pg_notify($${channel}, n)) FROM unnest($${notices}::text[]) AS n`;

const SPANS_END = SPAN_COLUMNS.length;
const TRACES_END = SPANS_END + 1 + TRACE_COLUMNS.length;

const SQL = {
  lock: `SELECT count(pg_advisory_xact_lock(hashtextextended(id, 0))) AS locked, nextval('aitrace_seq') AS seq
    FROM (SELECT id FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n) AS ids`,
  insertRecords: `INSERT INTO records (record_key, trace_id, span_id, parent_span_id, time_us, name, event, type, status, service, level,
      record, attrs_json, attrs, service_version, environment, seq)
    SELECT k, tr, sp, pa, tu::bigint, na, ev, ty, st, se, le, re::text, aj::text, coalesce(ab::jsonb, aj::jsonb), sv, en, $${LOOSE_RECORD_COLUMNS.length + 1}::bigint
    FROM ${jsonRowsSql(LOOSE_RECORD_COLUMNS, 1)}
    ON CONFLICT (record_key) DO NOTHING RETURNING record_key`,
  // One primary-key probe per span, whatever the planner believes of the table's size: on a table that grew since it
  // was last analysed (after a TRUNCATE, say), a plain join became a hash join over every stored span.
  selectSpans: `SELECT s.trace_id, s.span_id, s.record, s.attrs_json FROM unnest($1::text[], $2::text[]) AS k(trace_id, span_id)
    CROSS JOIN LATERAL (SELECT trace_id, span_id, record, attrs_json FROM spans WHERE trace_id = k.trace_id AND span_id = k.span_id LIMIT 1) AS s`,
  selectTraces: 'SELECT * FROM traces WHERE trace_id = ANY($1::text[])',
  upsertSpans: upsertSpansSql(1, SPANS_END + 1),
  // The summaries and their notices in one round trip; the spans too when no GenAI roll-up must read them first.
  // A data-modifying WITH runs to completion whether the final SELECT reads it or not.
  saveTraces: `WITH saved AS (${upsertTracesSql(1)}) ${notifySql(TRACE_COLUMNS.length + 1, TRACE_COLUMNS.length + 2)}`,
  saveSpansAndTraces: `WITH spans_saved AS (${upsertSpansSql(1, SPANS_END + 1)}), traces_saved AS (${upsertTracesSql(SPANS_END + 2)})
    ${notifySql(TRACES_END + 1, TRACES_END + 2)}`,
  genAiSpans: 'SELECT trace_id, span_id, parent_span_id, genai FROM spans WHERE trace_id = ANY($1::text[])',
  saveSource: `INSERT INTO sources (file_id, path, "offset", line, head_hash, head_length) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (file_id) DO UPDATE SET path = excluded.path, "offset" = excluded."offset", line = excluded.line,
      head_hash = excluded.head_hash, head_length = excluded.head_length`,
  selectTrace: 'SELECT * FROM traces WHERE trace_id = $1',
  traceRows: `SELECT record, attrs_json FROM (SELECT record, attrs_json, time_us, 0::bigint AS n FROM spans WHERE trace_id = $1
      UNION ALL SELECT record, attrs_json, time_us, id FROM records WHERE trace_id = $1) AS u ORDER BY time_us, n`,
  traceRowsByStart: `SELECT record, attrs_json FROM (SELECT record, attrs_json, start_us AS time_us, 0::bigint AS n FROM spans WHERE trace_id = $1
      UNION ALL SELECT record, attrs_json, time_us, id FROM records WHERE trace_id = $1) AS u ORDER BY time_us, n`,
  traceRowsSince: `SELECT record, attrs_json FROM (SELECT record, attrs_json, time_us, 0::bigint AS n FROM spans WHERE trace_id = $1 AND seq >= $2
      UNION ALL SELECT record, attrs_json, time_us, id FROM records WHERE trace_id = $1 AND seq >= $2) AS u ORDER BY time_us, n`,
  selectSource: 'SELECT * FROM sources WHERE file_id = $1',
  countRows: 'SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM records) AS n',
} as const;

const toSummary = (row: TraceRow): TraceSummary => traceSummaryOf(toTally(row));

/** Per trace, the values a trace facet counts: `(trace_id, value)` pairs, each at most once (as in sqliteTraceFacets.ts). */
const PG_FACET_VALUES = {
  service:
    'SELECT trace_id, service AS value FROM spans WHERE service IS NOT NULL UNION SELECT trace_id, service FROM records WHERE service IS NOT NULL AND trace_id IS NOT NULL',
  name: 'SELECT DISTINCT trace_id, name AS value FROM spans',
  // The trace summary's models and conversations, as the model and conversation filters read them.
  model: 'SELECT DISTINCT x.trace_id, m.value FROM traces x, jsonb_array_elements_text(x.models) AS m(value)',
  conversation: 'SELECT DISTINCT x.trace_id, c.value FROM traces x, jsonb_array_elements_text(x.conversations) AS c(value)',
} as const;

/**
 * Counts per value over `FROM <from>`, most frequent first, ties by value in byte order (as SQLite's BINARY
 * collation orders them, whatever the database's locale); counts as numbers, not the text of a bigint.
 */
async function countFacet(client: pg.PoolClient, from: string, value: string, filter: PgFilter): Promise<FacetValue[]> {
  const text = `SELECT ${value} AS value, count(*)::int AS count FROM ${from} GROUP BY ${value} ORDER BY count(*) DESC, ${value} COLLATE "C" LIMIT $${filter.params.length + 1}`;
  return (await client.query<FacetValue>(named(text, [...filter.params, MAX_FACET_VALUES]))).rows;
}

interface StoredSpanRow {
  trace_id: string;
  span_id: string;
  record: string;
  attrs_json: string;
}

/** What an instance announces after an ingest: who it is, the traces it touched, the first `seq` it wrote. */
interface ChangeNotice {
  i: string;
  t: string[];
  s: number;
}

/**
 * The TraceStore for teams: PostgreSQL, shared by any number of `aitrace serve` instances. Same query answers as
 * the SQLite store (the ingest fold is shared); ingest is one transaction per batch that locks the batch's traces
 * (so two instances writing one span take turns), and repeats of stored records are no-ops. A database out of
 * reach surfaces as `StoreUnavailableError` (the API answers 503); the pool reconnects by itself.
 */
export class PgTraceStore implements TraceStore {
  /** The database URL, password hidden. */
  readonly url: string;
  /** Tells this instance's change notices from the others'. */
  readonly instanceId = randomUUID();
  private readonly pool: pg.Pool;
  private readonly onProblem: (message: string) => void;
  private readonly config: pg.ClientConfig;
  private closed = false;
  private listeners: Array<() => Promise<void>> = [];

  private constructor(options: PgTraceStoreOptions) {
    this.url = redactedUrl(options.url);
    this.onProblem = options.onProblem ?? (() => undefined);
    this.config = { connectionString: options.url, types, connectionTimeoutMillis: 5000, application_name: 'aitrace serve' };
    this.pool = new pg.Pool({ ...this.config, max: options.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection cut by a database restart is dropped from the pool; the next request opens a new one.
    this.pool.on('error', (error) => this.onProblem(`a PostgreSQL connection was lost (${error.message}); reconnecting on the next request`));
  }

  /** Connects and creates or migrates the schema; a database out of reach fails here with a message naming it. */
  static async open(options: PgTraceStoreOptions): Promise<PgTraceStore> {
    const store = new PgTraceStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.pool.end();
      if (error instanceof Error && error.message.startsWith('the trace database')) throw error;
      throw new Error(`cannot open the trace database ${store.url}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    const onError = (): void => undefined;
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS aitrace_schema (version integer NOT NULL)');
      const version = (await client.query<{ version: number }>('SELECT version FROM aitrace_schema')).rows[0]?.version;
      if (version !== undefined && version > PG_SCHEMA_VERSION) {
        throw new Error(`the trace database ${this.url} has schema version ${version}, newer than this server (${PG_SCHEMA_VERSION}); upgrade aitrace`);
      }
      for (let from = version ?? PG_SCHEMA_VERSION; from < PG_SCHEMA_VERSION; from++) await client.query(PG_MIGRATIONS[from] ?? '');
      await client.query(PG_SCHEMA);
      if (version === undefined) await client.query('INSERT INTO aitrace_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
      else await client.query('UPDATE aitrace_schema SET version = $1', [PG_SCHEMA_VERSION]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  /** Runs a call on a pooled connection, refusing it once the store is closed: every public method goes through here. */
  private async guarded<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the trace store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error);
    }
    // A connection lost between two queries of a call is reported by the next query; without a listener it would crash the process.
    let lost: Error | undefined;
    const onError = (error: Error): void => void (lost = error);
    client.on('error', onError);
    try {
      const result = await run(client);
      client.off('error', onError);
      client.release(lost);
      return result;
    } catch (error) {
      client.off('error', onError);
      // A connection that failed mid-call is not handed out again.
      client.release(lost ?? (isUnavailable(error) ? (error as Error) : undefined));
      throw isUnavailable(error) ? this.unavailable(error) : error;
    }
  }

  private unavailable(error: unknown): StoreUnavailableError {
    return new StoreUnavailableError(`the PostgreSQL trace database ${this.url} cannot be reached: ${(error as Error).message}`, { cause: error });
  }

  private async transaction<T>(client: pg.PoolClient, run: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await run();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async ingest(records: readonly NormalizedRecord[], cursor?: SourceCursor): Promise<IngestChanges> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.guarded((client) => this.transaction(client, () => this.write(client, records, cursor)));
      } catch (error) {
        if (attempt >= CONFLICT_ATTEMPTS || !isConflict(error)) throw error;
      }
    }
  }

  /** Writes one batch inside its transaction; the traces it touches stay locked until it commits. */
  private async write(client: pg.PoolClient, records: readonly NormalizedRecord[], cursor: SourceCursor | undefined): Promise<IngestChanges> {
    const batch = groupBatch(records);
    const traceIds = new Set<string>();
    for (const span of batch.spans.values()) traceIds.add(span.traceId);
    for (const { record } of batch.others) if (record.traceId !== undefined) traceIds.add(record.traceId);
    // Sorted, so two instances lock shared traces in one order and cannot deadlock.
    const ids = [...traceIds].sort();
    // One write sequence number per batch, taken once its traces are locked: what a live update from another instance reads from.
    let firstSeq = 0;
    if (ids.length > 0) firstSeq = (await client.query<{ seq: number }>(named(SQL.lock, [ids]))).rows[0]!.seq;
    const inserted = new Set<string>();
    if (batch.others.length > 0) {
      const params = jsonRowsParams(LOOSE_RECORD_COLUMNS, batch.others);
      const result = await client.query<{ record_key: string }>(named(SQL.insertRecords, [...params, firstSeq]));
      for (const row of result.rows) inserted.add(row.record_key);
    }
    const spanEntries = [...batch.spans.values()];
    const storedSpans = new Map<string, NormalizedRecord>();
    if (spanEntries.length > 0) {
      const result = await client.query<StoredSpanRow>(named(SQL.selectSpans, [spanEntries.map((s) => s.traceId), spanEntries.map((s) => s.spanId)]));
      for (const row of result.rows) storedSpans.set(spanKey(row.trace_id, row.span_id), readStoredRecord(row.record, row.attrs_json));
    }
    const storedTraces = new Map<string, TraceTally>();
    if (ids.length > 0) for (const row of (await client.query<TraceRow>(named(SQL.selectTraces, [ids]))).rows) storedTraces.set(row.trace_id, toTally(row));
    const folded = foldBatch(
      batch,
      { span: (traceId, spanId) => storedSpans.get(spanKey(traceId, spanId)), tally: (traceId) => storedTraces.get(traceId) },
      inserted,
    );
    const spanRows =
      folded.spans.length === 0
        ? undefined
        : jsonRowsParams(
            SPAN_COLUMNS,
            folded.spans.map((span) => ({ span, columns: recordColumns(span.record) })),
          );
    if (spanRows !== undefined && (folded.genAiTraces.size > 0 || folded.tallies.length === 0)) {
      await client.query(named(SQL.upsertSpans, [...spanRows, firstSeq]));
      if (folded.genAiTraces.size > 0)
        await this.rollUpGenAi(
          client,
          folded.tallies.filter((tally) => folded.genAiTraces.has(tally.traceId)),
        );
    }
    if (folded.tallies.length > 0) {
      const rows = folded.tallies.map(fromTally);
      const traceRows = jsonRowsParams(TRACE_COLUMNS, rows);
      const notices: string[] = [];
      for (let i = 0; i < rows.length; i += NOTIFY_CHUNK)
        notices.push(JSON.stringify({ i: this.instanceId, t: rows.slice(i, i + NOTIFY_CHUNK).map((r) => r.trace_id), s: firstSeq } satisfies ChangeNotice));
      if (spanRows !== undefined && folded.genAiTraces.size === 0)
        await client.query(named(SQL.saveSpansAndTraces, [...spanRows, firstSeq, ...traceRows, PG_CHANGES_CHANNEL, notices]));
      else await client.query(named(SQL.saveTraces, [...traceRows, PG_CHANGES_CHANNEL, notices]));
    }
    if (cursor !== undefined) {
      await client.query(named(SQL.saveSource, [cursor.fileId, cursor.path, cursor.offset, cursor.line, cursor.headHash, cursor.headLength]));
    }
    return { accepted: records.length, traces: folded.tallies.map(traceSummaryOf), records: folded.stored };
  }

  /** Sets the traces' token totals, models and conversations from their stored spans (this batch's included). */
  private async rollUpGenAi(client: pg.PoolClient, tallies: TraceTally[]): Promise<void> {
    const spansByTrace = new Map<string, Array<{ spanId: string; parentSpanId: string | undefined; genAi: SpanGenAi | undefined }>>();
    const rows = (
      await client.query<{ trace_id: string; span_id: string; parent_span_id: string | null; genai: string | null }>(
        named(SQL.genAiSpans, [tallies.map((t) => t.traceId)]),
      )
    ).rows;
    for (const row of rows) {
      let list = spansByTrace.get(row.trace_id);
      if (list === undefined) spansByTrace.set(row.trace_id, (list = []));
      list.push({
        spanId: row.span_id,
        parentSpanId: row.parent_span_id ?? undefined,
        genAi: row.genai === null ? undefined : (JSON.parse(row.genai) as SpanGenAi),
      });
    }
    for (const tally of tallies) tallyGenAi(tally, spansByTrace.get(tally.traceId) ?? []);
  }

  listTraces(query: TraceQuery): Promise<TracePage> {
    const limit = query.limit ?? DEFAULT_TRACE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRACE_LIMIT)
      return Promise.reject(new QueryError(`limit must be a whole number from 1 to ${MAX_TRACE_LIMIT}, got ${limit}`));
    let list;
    try {
      list = pgTraceFilter(query);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const { where, params, order } = list;
    return this.guarded(async (client) => {
      const text = `SELECT t.*, ${order.key} AS sort_key FROM traces t ${where} ${order.orderBy} LIMIT $${params.length + 1}`;
      const rows = (await client.query<TraceRow & { sort_key: number }>(named(text, [...params, limit + 1]))).rows;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        traces: page.map(toSummary),
        nextCursor:
          rows.length > limit && last !== undefined
            ? encodeTraceCursor({ key: last.sort_key, traceId: last.trace_id, sort: order.sort, order: order.order })
            : null,
      };
    });
  }

  listLogs(query: LogQuery): Promise<LogPage> {
    let request;
    try {
      request = logPageRequest(query);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const filter = pgLogFilter(query, request.after && { ...request.after, beyond: request.order === 'desc' ? '<' : '>' });
    const direction = request.order === 'desc' ? 'DESC' : 'ASC';
    const text = `SELECT r.id, r.time_us, r.record, r.attrs_json FROM records r ${filter.where} ORDER BY r.time_us ${direction}, r.id ${direction} LIMIT $${filter.params.length + 1}`;
    return this.guarded(async (client) => {
      const rows = (await client.query<{ id: number; time_us: number; record: string; attrs_json: string }>(named(text, [...filter.params, request.limit + 1])))
        .rows;
      const page = logPageOf(rows, request);
      return { logs: page.rows.map((row) => readStoredRecord(row.record, row.attrs_json)), nextCursor: page.nextCursor };
    });
  }

  traceFacets(query: TraceQuery): Promise<Facets> {
    const queries = traceFacetQueries(query);
    return this.guarded(async (client) => {
      const count = async (facet: keyof typeof PG_FACET_VALUES, facetQuery: TraceQuery): Promise<FacetValue[]> => {
        const filter = pgTraceFilter(facetQuery);
        return countFacet(client, `traces t JOIN (${PG_FACET_VALUES[facet]}) x ON x.trace_id = t.trace_id ${filter.where}`, 'x.value', filter);
      };
      const statusFilter = pgTraceFilter(queries.status);
      const statuses = (
        await client.query<{ error: number; running: number; ok: number }>(
          named(
            `SELECT (count(*) FILTER (WHERE t.error_count > 0))::int AS error, (count(*) FILTER (WHERE t.running_count > 0))::int AS running,
              (count(*) FILTER (WHERE t.error_count = 0 AND t.running_count = 0))::int AS ok FROM traces t ${statusFilter.where}`,
            statusFilter.params,
          ),
        )
      ).rows[0];
      return {
        service: await count('service', queries.service),
        name: await count('name', queries.name),
        status: statusFacet(statuses ?? { error: 0, running: 0, ok: 0 }),
        level: [],
        model: await count('model', queries.model),
        conversation: await count('conversation', queries.conversation),
      };
    });
  }

  logFacets(query: LogQuery): Promise<Facets> {
    const queries = logFacetQueries(query);
    return this.guarded(async (client) => {
      const count = (column: 'service' | 'level', filter: PgFilter): Promise<FacetValue[]> =>
        countFacet(client, `records r ${filter.where} AND r.${column} IS NOT NULL`, `r.${column}`, filter);
      return {
        service: await count('service', pgLogFilter(queries.service)),
        name: [],
        status: [],
        level: await count('level', pgLogFilter(queries.level)),
        model: [],
        conversation: [],
      };
    });
  }

  getTraceSummary(traceId: string): Promise<TraceSummary | undefined> {
    return this.guarded(async (client) => {
      const row = (await client.query<TraceRow>(named(SQL.selectTrace, [pgText(traceId)]))).rows[0];
      return row === undefined ? undefined : toSummary(row);
    });
  }

  getTraceRecords(traceId: string): Promise<NormalizedRecord[]> {
    return this.guarded(async (client) =>
      (await client.query<{ record: string; attrs_json: string }>(named(SQL.traceRows, [pgText(traceId)]))).rows.map((row) =>
        readStoredRecord(row.record, row.attrs_json),
      ),
    );
  }

  async *traceRecordsJsonChunks(traceId: string, order: TraceRecordOrder = 'time'): AsyncIterable<string[]> {
    // Read whole, then handed on in chunks: the answer is still written as the client takes it.
    const texts = await this.getTraceRecordsJson(traceId, order);
    for (let i = 0; i < texts.length; i += 1000) yield texts.slice(i, i + 1000);
  }

  getTraceRecordsJson(traceId: string, order: TraceRecordOrder = 'time'): Promise<string[]> {
    const text = order === 'start' ? SQL.traceRowsByStart : SQL.traceRows;
    return this.guarded(async (client) =>
      (await client.query<{ record: string; attrs_json: string }>(named(text, [pgText(traceId)]))).rows.map((row) =>
        storedRecordJson(row.record, row.attrs_json),
      ),
    );
  }

  spanStats(query: StatsQuery): Promise<SpanStats[]> {
    const filter = pgStatsFilter(query);
    // percentile_disc is the nearest-rank percentile spanStats.ts computes for SQLite; ordered by count, then name by code unit.
    const text = `SELECT name, count(*)::int AS count, (count(*) FILTER (WHERE status = 'error'))::int AS errors,
        (count(*) FILTER (WHERE type = 'span_start'))::int AS running,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE type <> 'span_start') AS p50,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE type <> 'span_start') AS p95,
        max(duration_ms) FILTER (WHERE type <> 'span_start') AS max
      FROM spans ${filter.where} GROUP BY name`;
    return this.guarded(async (client) => {
      const rows = (
        await client.query<{ name: string; count: number; errors: number; running: number; p50: number | null; p95: number | null; max: number | null }>(
          named(text, filter.params),
        )
      ).rows;
      return rows
        .map((row) => ({ name: row.name, count: row.count, errors: row.errors, running: row.running, p50Ms: row.p50, p95Ms: row.p95, maxMs: row.max }))
        .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  getSourceCursor(fileId: string): Promise<SourceCursor | undefined> {
    return this.guarded(async (client) => {
      const row = (
        await client.query<{ file_id: string; path: string; offset: number; line: number; head_hash: string; head_length: number }>(
          named(SQL.selectSource, [fileId]),
        )
      ).rows[0];
      if (row === undefined) return undefined;
      return { fileId: row.file_id, path: row.path, offset: row.offset, line: row.line, headHash: row.head_hash, headLength: row.head_length };
    });
  }

  /**
   * Deletes in transactions of a few hundred traces, each locking only the traces it deletes (and skipping any
   * an ingest holds), so ingest goes on while a large backlog is deleted.
   */
  applyRetention(policy: RetentionPolicy, nowUs: number): Promise<RetentionResult> {
    return this.guarded(async (client) => {
      const result: RetentionResult = { deletedTraces: 0, deletedRows: 0 };
      if (policy.maxAgeDays !== undefined) {
        const cutoff = nowUs - Math.round(policy.maxAgeDays * DAY_US);
        await this.deleteTraces(client, 'last_us < $1', cutoff, result);
        await this.deleteLooseLogs(client, 'time_us < $1', cutoff, result);
      }
      if (policy.maxRows !== undefined) {
        const excess = (await client.query<{ n: number }>(named(SQL.countRows, []))).rows[0]!.n - policy.maxRows;
        if (excess > 0) {
          // Oldest first, whole traces at a time (keyed by start) and logs without a trace (keyed by time).
          const cutoff = (
            await client.query<{ key_us: number }>(
              named(
                `SELECT key_us FROM (SELECT key_us, sum(n) OVER (ORDER BY key_us ROWS UNBOUNDED PRECEDING) AS covered
                  FROM (SELECT start_us AS key_us, record_count AS n FROM traces UNION ALL SELECT time_us, 1 FROM records WHERE trace_id IS NULL) AS u) AS w
                WHERE covered >= $1 ORDER BY key_us LIMIT 1`,
                [excess],
              ),
            )
          ).rows[0]?.key_us;
          if (cutoff !== undefined) {
            await this.deleteTraces(client, 'start_us <= $1', cutoff, result);
            await this.deleteLooseLogs(client, 'time_us <= $1', cutoff, result);
          }
        }
      }
      return result;
    });
  }

  private async deleteTraces(client: pg.PoolClient, condition: string, value: number, result: RetentionResult): Promise<void> {
    for (;;) {
      const deleted = await this.transaction(client, async () => {
        const ids = (
          await client.query<{ trace_id: string }>(
            named(`SELECT trace_id FROM traces WHERE ${condition} AND pg_try_advisory_xact_lock(hashtextextended(trace_id, 0)) LIMIT ${RETENTION_CHUNK}`, [
              value,
            ]),
          )
        ).rows.map((row) => row.trace_id);
        if (ids.length === 0) return 0;
        result.deletedRows += (await client.query(named('DELETE FROM spans WHERE trace_id = ANY($1::text[])', [ids]))).rowCount ?? 0;
        result.deletedRows += (await client.query(named('DELETE FROM records WHERE trace_id = ANY($1::text[])', [ids]))).rowCount ?? 0;
        const traces = (await client.query(named('DELETE FROM traces WHERE trace_id = ANY($1::text[])', [ids]))).rowCount ?? 0;
        result.deletedTraces += traces;
        return ids.length;
      });
      if (deleted < RETENTION_CHUNK) return;
    }
  }

  private async deleteLooseLogs(client: pg.PoolClient, condition: string, value: number, result: RetentionResult): Promise<void> {
    for (;;) {
      const text = `DELETE FROM records WHERE id IN (SELECT id FROM records WHERE trace_id IS NULL AND ${condition} LIMIT ${RETENTION_CHUNK * 10})`;
      const deleted = (await client.query(named(text, [value]))).rowCount ?? 0;
      result.deletedRows += deleted;
      if (deleted < RETENTION_CHUNK * 10) return;
    }
  }

  countRows(): Promise<number> {
    return this.guarded(async (client) => (await client.query<{ n: number }>(named(SQL.countRows, []))).rows[0]!.n);
  }

  /**
   * Calls `listener` with what other instances on this database store (PostgreSQL LISTEN/NOTIFY): the touched
   * traces' summaries, and the new records of the traces `wantsRecords` names. The listening connection comes
   * back by itself after a database restart. Resolves, once listening (or after a first failed attempt), to a
   * function that stops listening.
   */
  async watchOtherInstances(
    listener: (changes: IngestChanges) => void,
    wantsRecords: (traceId: string) => boolean = () => false,
  ): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    let lost = false;
    const deliver = async (notice: ChangeNotice): Promise<void> => {
      const changes = await this.guarded(async (db) => {
        const traces = (await db.query<TraceRow>(named(SQL.selectTraces, [notice.t]))).rows.map(toSummary);
        const records: NormalizedRecord[] = [];
        for (const traceId of notice.t) {
          if (!wantsRecords(traceId)) continue;
          for (const row of (await db.query<{ record: string; attrs_json: string }>(named(SQL.traceRowsSince, [traceId, notice.s]))).rows)
            records.push(readStoredRecord(row.record, row.attrs_json));
        }
        return { accepted: 0, traces, records };
      });
      if (!stopped) listener(changes);
    };
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const next = new pg.Client(this.config);
      const reconnect = (error?: Error): void => {
        if (client !== next) return;
        client = undefined;
        next.removeAllListeners();
        void next.end().catch(() => undefined);
        if (stopped) return;
        if (!lost) this.onProblem(`live updates from other instances paused: ${error?.message ?? 'the connection ended'}; reconnecting`);
        lost = true;
        retry = setTimeout(() => void connect(), 1000);
        retry.unref();
      };
      client = next;
      next.on('error', reconnect);
      next.on('end', () => reconnect());
      next.on('notification', (message) => {
        if (message.channel !== PG_CHANGES_CHANNEL || message.payload === undefined) return;
        const notice = JSON.parse(message.payload) as ChangeNotice;
        if (notice.i === this.instanceId) return;
        deliver(notice).catch((error: unknown) => this.onProblem(`a live update from another instance was lost: ${(error as Error).message}`));
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${PG_CHANGES_CHANNEL}`);
        if (lost) this.onProblem('live updates from other instances resumed');
        lost = false;
      } catch (error) {
        reconnect(error as Error);
      }
    };
    const ready = connect();
    const stop = async (): Promise<void> => {
      stopped = true;
      clearTimeout(retry);
      await ready;
      const current = client;
      client = undefined;
      this.listeners = this.listeners.filter((entry) => entry !== stop);
      await current?.end().catch(() => undefined);
    };
    this.listeners.push(stop);
    await ready;
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.listeners]) await stop();
    await this.pool.end();
  }
}

function nullableText(value: string | null): string | null {
  return value === null ? null : pgText(value);
}

/** `pgJsonb` of user data, or null when it is the text itself (the statements then cast `aj`). */
function pgJsonbOrNull(attrs: string): string | null {
  const jsonb = pgJsonb(attrs);
  return jsonb === attrs ? null : jsonb;
}
