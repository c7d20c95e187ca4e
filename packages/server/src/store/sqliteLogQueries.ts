import type Database from 'better-sqlite3';
import { logFacetQueries, logPageOf, logPageRequest, MAX_FACET_VALUES } from './listQueryRules.js';
import { readRow } from './sqliteRow.js';
import { ATTR_TEXT, ATTRS_CONTAIN, CONTAINS, type SqlFilter } from './traceFilterSql.js';
import type { Facets, FacetValue, LogPage, LogQuery } from './TraceStore.js';

interface LogRow {
  id: number;
  time_us: number;
  record: string;
  attrs: string;
}

/** The WHERE clause of the log list over `records r` (only logs; the cursor is left to the caller). */
export function logFilterSql(query: LogQuery): SqlFilter {
  const clauses = ["r.type = 'log'"];
  const params: unknown[] = [];
  if (query.traceId !== undefined) {
    clauses.push('r.trace_id = ?');
    params.push(query.traceId);
  }
  if (query.service !== undefined) {
    clauses.push('r.service = ?');
    params.push(query.service);
  }
  if (query.levels !== undefined) {
    clauses.push(query.levels.length === 0 ? '0' : `r.level IN (${query.levels.map(() => '?').join(', ')})`);
    params.push(...query.levels);
  }
  if (query.fromUs !== undefined) {
    clauses.push('r.time_us >= ?');
    params.push(query.fromUs);
  }
  if (query.toUs !== undefined) {
    clauses.push('r.time_us <= ?');
    params.push(query.toUs);
  }
  for (const { key, value } of query.attrs ?? []) {
    clauses.push(`EXISTS (SELECT 1 FROM json_each(r.attrs) j WHERE j.key = ? AND ${ATTR_TEXT('r')} = ?)`);
    params.push(key, value);
  }
  if (query.q !== undefined && query.q !== '') {
    clauses.push(`(${CONTAINS('r.event')} OR ${ATTRS_CONTAIN('r')})`);
    params.push(query.q, JSON.stringify(query.q).slice(1, -1), query.q, query.q);
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}

/** One page of logs from the `records` table, by time then row id in the query's order. */
export function sqliteListLogs(db: Database.Database, query: LogQuery): LogPage {
  const request = logPageRequest(query);
  const filter = logFilterSql(query);
  let where = filter.where;
  const params = [...filter.params];
  if (request.after !== undefined) {
    where += ` AND (r.time_us, r.id) ${request.order === 'desc' ? '<' : '>'} (?, ?)`;
    params.push(request.after.timeUs, request.after.id);
  }
  const direction = request.order === 'desc' ? 'DESC' : 'ASC';
  const rows = db
    .prepare<unknown[], LogRow>(`SELECT r.id, r.time_us, r.record, r.attrs FROM records r ${where} ORDER BY r.time_us ${direction}, r.id ${direction} LIMIT ?`)
    .all(...params, request.limit + 1);
  const page = logPageOf(rows, request);
  return { logs: page.rows.map(readRow), nextCursor: page.nextCursor };
}

/** Counts per value of a column of the logs matching a filter, most frequent first. */
function countLogs(db: Database.Database, column: 'service' | 'level', filter: SqlFilter): FacetValue[] {
  return db
    .prepare<unknown[], FacetValue>(
      `SELECT r.${column} AS value, count(*) AS count FROM records r ${filter.where} AND r.${column} IS NOT NULL GROUP BY r.${column} ORDER BY count DESC, value LIMIT ?`,
    )
    .all(...filter.params, MAX_FACET_VALUES);
}

/** Service and level facets of the logs matching a query; each facet ignores its own filter. */
export function sqliteLogFacets(db: Database.Database, query: LogQuery): Facets {
  const queries = logFacetQueries(query);
  return {
    service: countLogs(db, 'service', logFilterSql(queries.service)),
    name: [],
    status: [],
    level: countLogs(db, 'level', logFilterSql(queries.level)),
    model: [],
    conversation: [],
  };
}
