import type { LogQuery, StatsQuery, TraceQuery } from './TraceStore.js';
import { traceOrderSql, type TraceOrderSql } from './traceSortSql.js';

/** A WHERE clause over `traces t` (or `spans`) and its bound parameters ($1, $2...); values never enter the SQL text. */
export interface PgFilter {
  where: string;
  params: unknown[];
}

/** `String.prototype.isWellFormed` and `toWellFormed` (ES2024, in Node 20). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * PostgreSQL text cannot hold U+0000 or a lone surrogate: they are stored, and so compared, as U+FFFD (as the
 * UTF-8 encoding of a lone surrogate already was).
 */
export function pgText(value: string): string {
  const text = value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
  return (text as unknown as WellFormed).isWellFormed() ? text : (text as unknown as WellFormed).toWellFormed();
}

// An escaped surrogate in JSON text: jsonb refuses a lone one.
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/** User data as jsonb input: JSON text whose strings (keys too) have U+0000 and lone surrogates replaced as `pgText` does. */
export function pgJsonb(json: string): string {
  if (!json.includes('\\u0000') && !ESCAPED_SURROGATE.test(json)) return json;
  return JSON.stringify(
    JSON.parse(json, (_key, value: unknown) => (typeof value === 'string' ? pgText(value) : value)),
    (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [pgText(k), v])) : value,
  );
}

/**
 * The jsonb values whose text is `value`, the way the SQLite store compares attributes as text: the string
 * itself, and the number, boolean, null, object or array written as that text.
 */
export function attrCandidates(value: string): unknown[] {
  const candidates: unknown[] = [pgText(value)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return candidates;
  }
  if (typeof parsed === 'number' ? String(parsed) === value : typeof parsed !== 'string') candidates.push(parsed);
  return candidates;
}

/** Parameters collected in order; `bind` returns the placeholder of a value. */
function binder(): { params: unknown[]; bind: (value: unknown) => string } {
  const params: unknown[] = [];
  return {
    params,
    bind: (value) => {
      params.push(typeof value === 'string' ? pgText(value) : value);
      return `$${params.length}`;
    },
  };
}

const CONTAINS = (column: string, param: string): string => `strpos(aitrace_lower(${column}), aitrace_lower(${param})) > 0`;

// A jsonb scalar as forest's attrText writes it: strings unquoted, numbers as JSON.stringify does, true, false, null.
const SCALAR_TEXT = `CASE jsonb_typeof(v) WHEN 'null' THEN 'null' WHEN 'number' THEN aitrace_number_text((v #>> '{}')::numeric) ELSE v #>> '{}' END`;

// User data is searched in its decoded keys and values; a match of the escaped JSON text comes first, as a cheap necessary condition.
const ATTRS_CONTAIN = (table: string, param: string, escaped: string): string =>
  `(${CONTAINS(`${table}.attrs_json`, escaped)} AND (EXISTS (SELECT 1 FROM jsonb_path_query(${table}.attrs, 'strict $.**') v ` +
  `WHERE jsonb_typeof(v) NOT IN ('object', 'array') AND ${CONTAINS(SCALAR_TEXT, param)}) ` +
  `OR EXISTS (SELECT 1 FROM jsonb_path_query(${table}.attrs, 'lax $.** ? (@.type() == "object").keyvalue().key') k WHERE ${CONTAINS("k #>> '{}'", param)})))`;

/** The attribute `key` of `<table>.attrs` has `value` as text (the SQLite store's rule). */
function attrMatches(table: string, key: string, value: string, bind: (value: unknown) => string): string {
  // Containment (@>) with a bound value is what the GIN index answers; an object or array must also equal the value, not only contain it.
  const conditions = attrCandidates(value).map((candidate) => {
    const p = bind(JSON.stringify({ [pgText(key)]: candidate }));
    if (candidate === null || typeof candidate !== 'object') return `${table}.attrs @> ${p}::jsonb`;
    const k = bind(pgText(key));
    return `(${table}.attrs @> ${p}::jsonb AND ${table}.attrs -> ${k}::text = ${p}::jsonb -> ${k}::text)`;
  });
  return `(${conditions.join(' OR ')})`;
}

/** A trace-list filter and its order (the cursor's condition is part of the WHERE clause). */
export interface PgTraceList extends PgFilter {
  order: TraceOrderSql;
}

// traces.trace_id is COLLATE "C" (byte order for the list's ties); the span and record tables' ids are in the
// database's collation, so a comparison in "C" could not use their (..., trace_id) indexes and scanned every span per
// trace. Ids are hex, equal in any deterministic collation: the comparison is made in the tables' own.
/** The row of `alias` (spans or records) belongs to the trace `t`. */
const OF_TRACE = (alias: string): string => `${alias}.trace_id = t.trace_id COLLATE "default"`;

/** Builds the WHERE clause of the trace list for a query (cursor included) and its order, with the SQLite store's rules. */
export function pgTraceFilter(query: TraceQuery): PgTraceList {
  const clauses: string[] = [];
  const { params, bind } = binder();
  const order = traceOrderSql(query, (value) => `${bind(value)}::${typeof value === 'number' ? 'bigint' : 'text'}`);
  if (order.after !== undefined) clauses.push(order.after.clause);
  if (query.fromUs !== undefined) clauses.push(`t.start_us >= ${bind(query.fromUs)}::bigint`);
  if (query.toUs !== undefined) clauses.push(`t.start_us <= ${bind(query.toUs)}::bigint`);
  if (query.status === 'error') clauses.push('t.error_count > 0');
  else if (query.status === 'running') clauses.push('t.running_count > 0');
  else if (query.status === 'ok') clauses.push('t.error_count = 0 AND t.running_count = 0');
  const columns = [
    ['service', query.service],
    ['service_version', query.serviceVersion],
    ['environment', query.environment],
  ] as const;
  for (const [column, value] of columns) {
    if (value === undefined) continue;
    const p = bind(value);
    clauses.push(
      `(EXISTS (SELECT 1 FROM spans s WHERE s.${column} = ${p} AND ${OF_TRACE('s')}) OR EXISTS (SELECT 1 FROM records r WHERE r.${column} = ${p} AND ${OF_TRACE('r')}))`,
    );
  }
  if (query.name !== undefined) clauses.push(`EXISTS (SELECT 1 FROM spans s WHERE s.name = ${bind(query.name)} AND ${OF_TRACE('s')})`);
  for (const [column, value] of [
    ['models', query.model],
    ['conversations', query.conversation],
  ] as const) {
    if (value !== undefined) clauses.push(`t.${column} ? ${bind(value)}::text`);
  }
  for (const { key, value } of query.attrs ?? []) {
    const matches = attrMatches('x', key, value, bind);
    const match = (table: string): string => `EXISTS (SELECT 1 FROM ${table} x WHERE ${OF_TRACE('x')} AND ${matches})`;
    clauses.push(`(${match('spans')} OR ${match('records')})`);
  }
  if (query.q !== undefined && query.q !== '') {
    const q = bind(query.q);
    const escaped = bind(JSON.stringify(query.q).slice(1, -1));
    clauses.push(
      `(${CONTAINS('t.trace_id', q)}` +
        ` OR EXISTS (SELECT 1 FROM spans s WHERE ${OF_TRACE('s')} AND (${CONTAINS('s.name', q)} OR ${CONTAINS("coalesce(s.status_message, '')", q)} OR ${ATTRS_CONTAIN('s', q, escaped)}))` +
        ` OR EXISTS (SELECT 1 FROM records r WHERE ${OF_TRACE('r')} AND (${CONTAINS('r.event', q)} OR ${ATTRS_CONTAIN('r', q, escaped)})))`,
    );
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params, order };
}

/** The WHERE clause of the log list over `records r` (only logs), by the rules of the SQLite store's `logFilterSql`; `after` starts after a cursor. */
export function pgLogFilter(query: LogQuery, after?: { timeUs: number; id: number; beyond: '<' | '>' }): PgFilter {
  const clauses = ["r.type = 'log'"];
  const { params, bind } = binder();
  if (after !== undefined) clauses.push(`(r.time_us, r.id) ${after.beyond} (${bind(after.timeUs)}::bigint, ${bind(after.id)}::bigint)`);
  if (query.traceId !== undefined) clauses.push(`r.trace_id = ${bind(query.traceId)}`);
  if (query.service !== undefined) clauses.push(`r.service = ${bind(query.service)}`);
  if (query.levels !== undefined) clauses.push(`r.level = ANY(${bind(query.levels.map(pgText))}::text[])`);
  if (query.fromUs !== undefined) clauses.push(`r.time_us >= ${bind(query.fromUs)}::bigint`);
  if (query.toUs !== undefined) clauses.push(`r.time_us <= ${bind(query.toUs)}::bigint`);
  for (const { key, value } of query.attrs ?? []) clauses.push(attrMatches('r', key, value, bind));
  if (query.q !== undefined && query.q !== '') {
    const q = bind(query.q);
    clauses.push(`(${CONTAINS('r.event', q)} OR ${ATTRS_CONTAIN('r', q, bind(JSON.stringify(query.q).slice(1, -1)))})`);
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}

/** The WHERE clause of span statistics over `spans`. */
export function pgStatsFilter(query: StatsQuery): PgFilter {
  const clauses: string[] = [];
  const { params, bind } = binder();
  for (const [column, value] of [
    ['service', query.service],
    ['service_version', query.serviceVersion],
    ['environment', query.environment],
  ] as const) {
    if (value !== undefined) clauses.push(`${column} = ${bind(value)}`);
  }
  if (query.fromUs !== undefined) clauses.push(`start_us >= ${bind(query.fromUs)}::bigint`);
  if (query.toUs !== undefined) clauses.push(`start_us <= ${bind(query.toUs)}::bigint`);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}
