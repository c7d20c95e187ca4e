import type Database from 'better-sqlite3';
import { QueryError } from './QueryError.js';
import { readRow } from './sqliteRow.js';
import { decodeLogCursor, encodeLogCursor } from './traceCursor.js';
import { ATTR_TEXT, ATTRS_CONTAIN, CONTAINS, type SqlFilter } from './traceFilterSql.js';
import type { Facets, FacetValue, LogPage, LogQuery } from './TraceStore.js';

/** Default and largest page size of the log list. */
export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 1000;

/** Most values a facet lists (the most frequent). */
export const MAX_FACET_VALUES = 100;

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
  const limit = query.limit ?? DEFAULT_LOG_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_LIMIT) throw new QueryError(`limit must be a whole number from 1 to ${MAX_LOG_LIMIT}, got ${limit}`);
  const order = query.order ?? 'desc';
  const filter = logFilterSql(query);
  let where = filter.where;
  const params = [...filter.params];
  if (query.cursor !== undefined) {
    const cursor = decodeLogCursor(query.cursor, order);
    if (typeof cursor.id !== 'number') throw new QueryError('cursor is not valid: pass the nextCursor of a previous page unchanged');
    const beyond = order === 'desc' ? '<' : '>';
    where += ` AND (r.time_us ${beyond} ? OR (r.time_us = ? AND r.id ${beyond} ?))`;
    params.push(cursor.timeUs, cursor.timeUs, cursor.id);
  }
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const rows = db
    .prepare<unknown[], LogRow>(`SELECT r.id, r.time_us, r.record, r.attrs FROM records r ${where} ORDER BY r.time_us ${direction}, r.id ${direction} LIMIT ?`)
    .all(...params, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    logs: page.map(readRow),
    nextCursor: rows.length > limit && last !== undefined ? encodeLogCursor({ timeUs: last.time_us, id: last.id, order }) : null,
  };
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
  const { service: _service, ...withoutService } = query;
  const { levels: _levels, ...withoutLevels } = query;
  return {
    service: countLogs(db, 'service', logFilterSql(withoutService)),
    name: [],
    status: [],
    level: countLogs(db, 'level', logFilterSql(withoutLevels)),
    model: [],
    conversation: [],
  };
}
