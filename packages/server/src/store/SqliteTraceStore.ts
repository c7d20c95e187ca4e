import Database from 'better-sqlite3';
import type { NormalizedRecord } from '@aitrace/format';
import { spanGenAi, tallyGenAi, traceSummaryOf, type SpanGenAi, type TraceTally } from '@aitrace/forest';
import { foldBatch, fromTally, groupBatch, recordColumns, spanKey, storedRecordJson, toTally, type GroupedBatch, type TraceRow } from './ingestFold.js';
import { QueryError } from './QueryError.js';
import { spanStats, type SpanSample } from './spanStats.js';
import { sqliteListLogs, sqliteLogFacets } from './sqliteLogQueries.js';
import { readRow, type StoredRow } from './sqliteRow.js';
import { SCHEMA_VERSION, SQLITE_MIGRATIONS, SQLITE_SCHEMA } from './sqliteSchema.js';
import { sqliteTraceFacets } from './sqliteTraceFacets.js';
import { encodeTraceCursor } from './traceCursor.js';
import { traceFilterSql } from './traceFilterSql.js';
import { traceOrderSql } from './traceSortSql.js';
import type {
  Facets,
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

/** Default and largest page size of the trace list. */
export const DEFAULT_TRACE_LIMIT = 50;
export const MAX_TRACE_LIMIT = 1000;

const DAY_US = 86_400_000_000;

const toSummary = (row: TraceRow): TraceSummary => traceSummaryOf(toTally(row));

/** Options for `SqliteTraceStore`. */
export interface SqliteTraceStoreOptions {
  /** A database file (created if missing) or `:memory:`. */
  path: string;
}

// Spans by start and the trace's other records by time, merged from two index scans (spans_trace_start,
// records_trace): rows come in order as they are read, with no sort of the whole trace first.
const TRACE_ROWS_BY_START = `SELECT record, attrs, start_us AS k, rowid AS seq FROM spans WHERE trace_id = ?
  UNION ALL SELECT record, attrs, time_us AS k, id AS seq FROM records WHERE trace_id = ? ORDER BY k, seq`;
const CHUNK_ROWS = 1000;

/** The embedded TraceStore: one SQLite database file (or memory), written in one transaction per ingest. */
export class SqliteTraceStore implements TraceStore {
  /** The database file, or `:memory:`. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly ingestTransaction: (records: readonly NormalizedRecord[], cursor: SourceCursor | undefined) => IngestChanges;
  private closed = false;

  constructor(options: SqliteTraceStoreOptions) {
    this.path = options.path;
    try {
      this.db = new Database(options.path);
    } catch (error) {
      throw new Error(`cannot open the trace database ${JSON.stringify(options.path)}: ${(error as Error).message}`, { cause: error });
    }
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `the trace database ${JSON.stringify(options.path)} has schema version ${version}, newer than this server (${SCHEMA_VERSION}); upgrade aitrace`,
      );
    }
    if (options.path !== ':memory:' && options.path !== '') this.db.pragma('journal_mode = WAL');
    // NORMAL with WAL keeps every committed ingest across a process crash; only an OS crash can lose the last ones.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    for (let from = version; from > 0 && from < SCHEMA_VERSION; from++) this.db.exec(SQLITE_MIGRATIONS[from] ?? '');
    this.db.exec(SQLITE_SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.statements = this.prepare();
    if (version > 0 && version < 3) this.backfillGenAi();
    this.ingestTransaction = this.db.transaction((records: readonly NormalizedRecord[], cursor: SourceCursor | undefined) => this.write(records, cursor));
  }

  private prepare() {
    const db = this.db;
    return {
      // The stored rows of a batch's spans of one trace, in one statement: the span ids as a JSON array.
      selectSpans: db.prepare<[string, string], StoredRow & { span_id: string }>(
        'SELECT span_id, record, attrs FROM spans WHERE trace_id = ? AND span_id IN (SELECT value FROM json_each(?))',
      ),
      upsertSpan: db.prepare(
        `INSERT INTO spans (trace_id, span_id, parent_span_id, time_us, start_us, end_us, duration_ms, name, event, type, status, service, level, record, attrs, service_version, environment, genai)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, time_us = excluded.time_us,
           start_us = excluded.start_us, end_us = excluded.end_us, duration_ms = excluded.duration_ms, name = excluded.name,
           event = excluded.event, type = excluded.type, status = excluded.status, service = excluded.service,
           level = excluded.level, record = excluded.record, attrs = excluded.attrs, service_version = excluded.service_version,
           environment = excluded.environment, genai = excluded.genai`,
      ),
      insertRecord: db.prepare(
        `INSERT OR IGNORE INTO records (trace_id, span_id, parent_span_id, time_us, name, event, type, status, service, level, record, attrs, service_version, environment, record_key)
         VALUES (@traceId, @spanId, @parentSpanId, @timeUs, @name, @event, @type, @status, @service, @level, @record, @attrs, @serviceVersion, @environment, @recordKey)`,
      ),
      selectTrace: db.prepare<[string], TraceRow>('SELECT * FROM traces WHERE trace_id = ?'),
      saveTrace: db.prepare(
        `INSERT OR REPLACE INTO traces (trace_id, root_span_id, root_name, root_parentless, root_start_us, service, start_us, end_us, last_us,
           span_count, error_count, running_count, record_count, input_tokens, output_tokens, models, conversations)
         VALUES (@trace_id, @root_span_id, @root_name, @root_parentless, @root_start_us, @service, @start_us, @end_us, @last_us,
           @span_count, @error_count, @running_count, @record_count, @input_tokens, @output_tokens, @models, @conversations)`,
      ),
      traceRows: db.prepare<[string, string], StoredRow>(
        `SELECT record, attrs FROM (SELECT record, attrs, time_us, 0 AS seq FROM spans WHERE trace_id = ?
           UNION ALL SELECT record, attrs, time_us, id AS seq FROM records WHERE trace_id = ?) ORDER BY time_us, seq`,
      ),
      traceRowsByStart: db.prepare<[string, string], StoredRow>(TRACE_ROWS_BY_START),
      selectSource: db.prepare<[string], { file_id: string; path: string; offset: number; line: number; head_hash: string; head_length: number }>(
        'SELECT * FROM sources WHERE file_id = ?',
      ),
      saveSource: db.prepare(
        'INSERT OR REPLACE INTO sources (file_id, path, offset, line, head_hash, head_length) VALUES (@fileId, @path, @offset, @line, @headHash, @headLength)',
      ),
      genAiSpans: db.prepare<[string], { span_id: string; parent_span_id: string | null; genai: string | null }>(
        'SELECT span_id, parent_span_id, genai FROM spans WHERE trace_id = ?',
      ),
      countRows: db.prepare<[], { n: number }>('SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM records) AS n'),
    };
  }

  ingest(records: readonly NormalizedRecord[], cursor?: SourceCursor): Promise<IngestChanges> {
    return this.guarded(() => this.ingestTransaction(records, cursor));
  }

  /** Writes one batch; runs inside the ingest transaction. A record stored before (a retried batch) is not stored again. */
  private write(records: readonly NormalizedRecord[], cursor: SourceCursor | undefined): IngestChanges {
    const batch = groupBatch(records);
    const inserted = new Set<string>();
    for (const { columns, key } of batch.others) {
      if (this.statements.insertRecord.run({ ...columns, recordKey: key }).changes > 0) inserted.add(key);
    }
    const storedSpans = this.storedSpans(batch);
    const folded = foldBatch(
      batch,
      {
        span: (traceId, spanId) => storedSpans.get(spanKey(traceId, spanId)),
        tally: (traceId) => {
          const row = this.statements.selectTrace.get(traceId);
          return row === undefined ? undefined : toTally(row);
        },
      },
      inserted,
    );
    for (const span of folded.spans) {
      const c = recordColumns(span.record);
      // Positional, in the column order of the statement: binding by name looks up each parameter by name.
      this.statements.upsertSpan.run(
        c.traceId,
        c.spanId,
        c.parentSpanId,
        c.timeUs,
        span.startUs,
        span.endUs,
        span.durationMs,
        c.name,
        c.event,
        c.type,
        c.status,
        c.service,
        c.level,
        c.record,
        c.attrs,
        c.serviceVersion,
        c.environment,
        span.genAi === undefined ? null : JSON.stringify(span.genAi),
      );
    }
    for (const tally of folded.tallies) {
      if (folded.genAiTraces.has(tally.traceId)) this.rollUpGenAi(tally);
      this.statements.saveTrace.run(fromTally(tally));
    }
    if (cursor !== undefined) this.statements.saveSource.run(cursor);
    return { accepted: records.length, traces: folded.tallies.map(traceSummaryOf), records: folded.stored };
  }

  /** The stored records of the batch's spans that the store already holds (one statement per trace), by `spanKey`. */
  private storedSpans(batch: GroupedBatch): Map<string, NormalizedRecord> {
    const idsByTrace = new Map<string, string[]>();
    for (const { traceId, spanId } of batch.spans.values()) {
      const ids = idsByTrace.get(traceId);
      if (ids === undefined) idsByTrace.set(traceId, [spanId]);
      else ids.push(spanId);
    }
    const stored = new Map<string, NormalizedRecord>();
    for (const [traceId, ids] of idsByTrace) {
      for (const row of this.statements.selectSpans.all(traceId, JSON.stringify(ids))) stored.set(spanKey(traceId, row.span_id), readRow(row));
    }
    return stored;
  }

  /** Fills the GenAI columns of a database from before schema 3, so its traces get token totals and models too. */
  private backfillGenAi(): void {
    this.db.transaction(() => {
      const update = this.db.prepare('UPDATE spans SET genai = ? WHERE trace_id = ? AND span_id = ?');
      const traceIds = new Set<string>();
      const rows = this.db.prepare<[], StoredRow & { trace_id: string; span_id: string }>(
        "SELECT trace_id, span_id, record, attrs FROM spans WHERE instr(attrs, '\"gen_ai.') > 0 OR instr(attrs, '\"llm.') > 0",
      );
      for (const row of rows.all()) {
        const genAi = spanGenAi(readRow(row));
        if (genAi === undefined) continue;
        update.run(JSON.stringify(genAi), row.trace_id, row.span_id);
        traceIds.add(row.trace_id);
      }
      for (const traceId of traceIds) {
        const row = this.statements.selectTrace.get(traceId);
        if (row === undefined) continue;
        const tally = toTally(row);
        this.rollUpGenAi(tally);
        this.statements.saveTrace.run(fromTally(tally));
      }
    })();
  }

  /** Sets a trace's token totals, models and conversations from its stored spans. */
  private rollUpGenAi(tally: TraceTally): void {
    tallyGenAi(
      tally,
      this.statements.genAiSpans.all(tally.traceId).map((row) => ({
        spanId: row.span_id,
        parentSpanId: row.parent_span_id ?? undefined,
        genAi: row.genai === null ? undefined : (JSON.parse(row.genai) as SpanGenAi),
      })),
    );
  }

  listTraces(query: TraceQuery): Promise<TracePage> {
    return this.guarded(() => {
      const limit = query.limit ?? DEFAULT_TRACE_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRACE_LIMIT)
        throw new QueryError(`limit must be a whole number from 1 to ${MAX_TRACE_LIMIT}, got ${limit}`);
      const filter = traceFilterSql(query);
      const order = traceOrderSql(query);
      const where = order.after === undefined ? filter.where : `${filter.where === '' ? 'WHERE' : `${filter.where} AND`} ${order.after.clause}`;
      const rows = this.db
        .prepare<unknown[], TraceRow & { sort_key: number }>(`SELECT t.*, ${order.key} AS sort_key FROM traces t ${where} ${order.orderBy} LIMIT ?`)
        .all(...filter.params, ...(order.after?.params ?? []), limit + 1);
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
    return this.guarded(() => sqliteListLogs(this.db, query));
  }

  traceFacets(query: TraceQuery): Promise<Facets> {
    return this.guarded(() => sqliteTraceFacets(this.db, query));
  }

  logFacets(query: LogQuery): Promise<Facets> {
    return this.guarded(() => sqliteLogFacets(this.db, query));
  }

  getTraceSummary(traceId: string): Promise<TraceSummary | undefined> {
    return this.guarded(() => {
      const row = this.statements.selectTrace.get(traceId);
      return row === undefined ? undefined : toSummary(row);
    });
  }

  getTraceRecords(traceId: string): Promise<NormalizedRecord[]> {
    return this.guarded(() => {
      return this.statements.traceRows.all(traceId, traceId).map(readRow);
    });
  }

  async *traceRecordsJsonChunks(traceId: string, order: TraceRecordOrder = 'time'): AsyncIterable<string[]> {
    if (this.closed) throw new Error('the trace store is closed');
    const inMemory = this.path === ':memory:' || this.path === '';
    if (inMemory || order === 'time') {
      const texts = await this.getTraceRecordsJson(traceId, order);
      for (let i = 0; i < texts.length; i += CHUNK_ROWS) yield texts.slice(i, i + CHUNK_ROWS);
      return;
    }
    // Its own read-only connection: the read may pause between chunks for as long as the client takes, while
    // ingest goes on (WAL readers see the snapshot they started with).
    const reader = new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      let chunk: string[] = [];
      for (const row of reader.prepare<[string, string], StoredRow>(TRACE_ROWS_BY_START).iterate(traceId, traceId)) {
        chunk.push(storedRecordJson(row.record, row.attrs));
        if (chunk.length < CHUNK_ROWS) continue;
        yield chunk;
        chunk = [];
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      reader.close();
    }
  }

  getTraceRecordsJson(traceId: string, order: TraceRecordOrder = 'time'): Promise<string[]> {
    return this.guarded(() => {
      const rows = order === 'start' ? this.statements.traceRowsByStart : this.statements.traceRows;
      return rows.all(traceId, traceId).map((row) => storedRecordJson(row.record, row.attrs));
    });
  }

  spanStats(query: StatsQuery): Promise<SpanStats[]> {
    return this.guarded(() => {
      const clauses: string[] = [];
      const params: unknown[] = [];
      for (const [column, value] of [
        ['service', query.service],
        ['service_version', query.serviceVersion],
        ['environment', query.environment],
      ] as const) {
        if (value === undefined) continue;
        clauses.push(`${column} = ?`);
        params.push(value);
      }
      if (query.fromUs !== undefined) {
        clauses.push('start_us >= ?');
        params.push(query.fromUs);
      }
      if (query.toUs !== undefined) {
        clauses.push('start_us <= ?');
        params.push(query.toUs);
      }
      const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
      const rows = this.db
        .prepare<unknown[], { name: string; status: string | null; type: string; duration_ms: number | null }>(
          `SELECT name, status, type, duration_ms FROM spans ${where}`,
        )
        .iterate(...params);
      return spanStats(
        (function* (): Generator<SpanSample> {
          for (const row of rows) yield { name: row.name, status: row.status, running: row.type === 'span_start', durationMs: row.duration_ms };
        })(),
      );
    });
  }

  getSourceCursor(fileId: string): Promise<SourceCursor | undefined> {
    return this.guarded(() => {
      const row = this.statements.selectSource.get(fileId);
      if (row === undefined) return undefined;
      return { fileId: row.file_id, path: row.path, offset: row.offset, line: row.line, headHash: row.head_hash, headLength: row.head_length };
    });
  }

  applyRetention(policy: RetentionPolicy, nowUs: number): Promise<RetentionResult> {
    return this.guarded(() => {
      return this.db.transaction(() => {
        const result: RetentionResult = { deletedTraces: 0, deletedRows: 0 };
        if (policy.maxAgeDays !== undefined) {
          const cutoff = nowUs - Math.round(policy.maxAgeDays * DAY_US);
          this.deleteTraces('last_us < ?', cutoff, result);
          result.deletedRows += this.db.prepare('DELETE FROM records WHERE trace_id IS NULL AND time_us < ?').run(cutoff).changes;
        }
        if (policy.maxRows !== undefined) {
          const excess = (this.statements.countRows.get()?.n ?? 0) - policy.maxRows;
          if (excess > 0) {
            // Oldest first, whole traces at a time (keyed by start) and logs without a trace (keyed by time).
            const oldest = this.db
              .prepare<[], { key_us: number; n: number }>(
                'SELECT start_us AS key_us, record_count AS n FROM traces UNION ALL SELECT time_us, 1 FROM records WHERE trace_id IS NULL ORDER BY key_us',
              )
              .iterate();
            let covered = 0;
            let cutoff: number | undefined;
            for (const row of oldest) {
              covered += row.n;
              cutoff = row.key_us;
              if (covered >= excess) break;
            }
            if (cutoff !== undefined) {
              this.deleteTraces('start_us <= ?', cutoff, result);
              result.deletedRows += this.db.prepare('DELETE FROM records WHERE trace_id IS NULL AND time_us <= ?').run(cutoff).changes;
            }
          }
        }
        return result;
      })();
    });
  }

  private deleteTraces(condition: string, value: number, result: RetentionResult): void {
    const selected = `SELECT trace_id FROM traces WHERE ${condition}`;
    result.deletedRows += this.db.prepare(`DELETE FROM spans WHERE trace_id IN (${selected})`).run(value).changes;
    result.deletedRows += this.db.prepare(`DELETE FROM records WHERE trace_id IN (${selected})`).run(value).changes;
    result.deletedTraces += this.db.prepare(`DELETE FROM traces WHERE ${condition}`).run(value).changes;
  }

  countRows(): Promise<number> {
    return this.guarded(() => {
      return this.statements.countRows.get()?.n ?? 0;
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  /** Runs a synchronous database call as a promise, refusing it once the store is closed: every public method goes through here. */
  private guarded<T>(run: () => T): Promise<T> {
    return Promise.resolve().then(() => {
      if (this.closed) throw new Error('the trace store is closed');
      return run();
    });
  }
}
