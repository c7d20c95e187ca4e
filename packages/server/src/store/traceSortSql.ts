import { decodeTraceCursor } from './traceCursor.js';
import type { SortOrder, TraceQuery, TraceSort } from './TraceStore.js';

/** The order of a trace-list query in SQL over `traces t`: the sort key, ORDER BY, and the clause that starts after a cursor. */
export interface TraceOrderSql {
  sort: TraceSort;
  order: SortOrder;
  /** The sort key as an SQL expression (selected as `sort_key`, encoded into the next cursor). */
  key: string;
  orderBy: string;
  /** Condition for the rows after the cursor, if the query has one; its parameters follow. */
  after: { clause: string; params: unknown[] } | undefined;
}

// A running trace has no duration yet: -1 keeps it after every finished trace when the longest come first.
const SORT_KEYS: Readonly<Record<TraceSort, string>> = {
  start: 't.start_us',
  duration: 'coalesce(t.end_us - t.start_us, -1)',
  spans: 't.span_count',
  errors: 't.error_count',
};

/**
 * The ORDER BY and cursor condition of a trace-list query; ties are broken by trace id, so paging never skips or repeats.
 * `bind` writes a value's placeholder (SQLite's `?` by default, PostgreSQL's `$n`); `after.params` lists the values in the order bound.
 */
export function traceOrderSql(query: TraceQuery, bind: (value: number | string) => string = () => '?'): TraceOrderSql {
  const sort = query.sort ?? 'start';
  const order = query.order ?? 'desc';
  const key = SORT_KEYS[sort];
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const beyond = order === 'desc' ? '<' : '>';
  let after: TraceOrderSql['after'];
  if (query.cursor !== undefined) {
    const cursor = decodeTraceCursor(query.cursor, sort, order);
    // A row-value comparison, which both databases answer from the (key, trace_id) index.
    after = { clause: `(${key}, t.trace_id) ${beyond} (${bind(cursor.key)}, ${bind(cursor.traceId)})`, params: [cursor.key, cursor.traceId] };
  }
  return { sort, order, key, orderBy: `ORDER BY ${key} ${direction}, t.trace_id ${direction}`, after };
}
