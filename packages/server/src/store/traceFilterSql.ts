import type { TraceQuery } from './TraceStore.js';

/** A WHERE clause over `traces t` and its bound parameters; values never enter the SQL text. */
export interface SqlFilter {
  where: string;
  params: unknown[];
}

// An attribute value as `attrText` in @aitrace/forest writes it: JSON booleans and null by name, strings decoded,
// numbers as written in the JSON text (a cast would print 1/3 with 17 digits), objects and arrays as JSON.
/** An attribute value of `json_each(<table>.attrs) j` as text (shared by every attribute filter). */
export const ATTR_TEXT = (table: string): string =>
  `CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' WHEN 'integer' THEN ${table}.attrs -> j.fullkey ` +
  `WHEN 'real' THEN ${table}.attrs -> j.fullkey ELSE CAST(j.value AS TEXT) END`;

// Text search: instr over lower() is case-insensitive for ASCII (as SQLite's lower() is), has no wildcards to
// escape and keeps NUL characters, which LIKE would end the pattern at.
/** Case-insensitive text search in a column; one parameter, the text. */
export const CONTAINS = (column: string): string => `instr(lower(${column}), lower(?)) > 0`;

// User data is searched in its decoded keys and values (a quote or a backslash is written escaped in the JSON
// text); a match of the escaped text comes first, as a cheap necessary condition.
/** Text search in the attributes of a table alias; three parameters: the text JSON-escaped, then the text twice. */
export const ATTRS_CONTAIN = (table: string): string =>
  `(${CONTAINS(`${table}.attrs`)} AND EXISTS (SELECT 1 FROM json_tree(${table}.attrs) j WHERE ` +
  `(j.type NOT IN ('object', 'array') AND ${CONTAINS(ATTR_TEXT(table))}) OR (typeof(j.key) = 'text' AND ${CONTAINS('j.key')})))`;

/** Builds the WHERE clause of the trace list for a query's filters, by the rules of forest's `traceMatches` (the cursor belongs to the order: traceOrderSql). */
export function traceFilterSql(query: TraceQuery): SqlFilter {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (query.fromUs !== undefined) {
    clauses.push('t.start_us >= ?');
    params.push(query.fromUs);
  }
  if (query.toUs !== undefined) {
    clauses.push('t.start_us <= ?');
    params.push(query.toUs);
  }
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
    clauses.push(
      `(EXISTS (SELECT 1 FROM spans s WHERE s.${column} = ? AND s.trace_id = t.trace_id)` +
        ` OR EXISTS (SELECT 1 FROM records r WHERE r.${column} = ? AND r.trace_id = t.trace_id))`,
    );
    params.push(value, value);
  }
  if (query.name !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM spans s WHERE s.name = ? AND s.trace_id = t.trace_id)');
    params.push(query.name);
  }
  for (const [column, value] of [
    ['models', query.model],
    ['conversations', query.conversation],
  ] as const) {
    if (value === undefined) continue;
    clauses.push(`EXISTS (SELECT 1 FROM json_each(t.${column}) m WHERE m.value = ?)`);
    params.push(value);
  }
  for (const { key, value } of query.attrs ?? []) {
    clauses.push(
      `(EXISTS (SELECT 1 FROM spans s, json_each(s.attrs) j WHERE s.trace_id = t.trace_id AND j.key = ? AND ${ATTR_TEXT('s')} = ?)` +
        ` OR EXISTS (SELECT 1 FROM records r, json_each(r.attrs) j WHERE r.trace_id = t.trace_id AND j.key = ? AND ${ATTR_TEXT('r')} = ?))`,
    );
    params.push(key, value, key, value);
  }
  if (query.q !== undefined && query.q !== '') {
    const escaped = JSON.stringify(query.q).slice(1, -1);
    clauses.push(
      `(${CONTAINS('t.trace_id')}` +
        ` OR EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND (${CONTAINS('s.name')} OR ${CONTAINS("json_extract(s.record, '$.statusMessage')")} OR ${ATTRS_CONTAIN('s')}))` +
        ` OR EXISTS (SELECT 1 FROM records r WHERE r.trace_id = t.trace_id AND (${CONTAINS('r.event')} OR ${ATTRS_CONTAIN('r')})))`,
    );
    params.push(query.q, query.q, query.q, escaped, query.q, query.q, query.q, escaped, query.q, query.q);
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}
