import type Database from 'better-sqlite3';
import { MAX_FACET_VALUES, statusFacet, traceFacetQueries } from './listQueryRules.js';
import { traceFilterSql } from './traceFilterSql.js';
import type { Facets, FacetValue, TraceQuery } from './TraceStore.js';

/** Per trace, the values a facet counts: `(trace_id, value)` pairs, each at most once. */
const FACET_VALUES = {
  service:
    'SELECT trace_id, service AS value FROM spans WHERE service IS NOT NULL UNION SELECT trace_id, service FROM records WHERE service IS NOT NULL AND trace_id IS NOT NULL',
  name: 'SELECT DISTINCT trace_id, name AS value FROM spans',
  // The trace summary's models and conversations, as the model and conversation filters read them.
  model: 'SELECT DISTINCT x.trace_id, m.value AS value FROM traces x, json_each(x.models) m',
  conversation: 'SELECT DISTINCT x.trace_id, c.value AS value FROM traces x, json_each(x.conversations) c',
} as const;

function countTraces(db: Database.Database, facet: keyof typeof FACET_VALUES, query: TraceQuery): FacetValue[] {
  const filter = traceFilterSql(query);
  return db
    .prepare<unknown[], FacetValue>(
      `SELECT x.value AS value, count(*) AS count FROM traces t JOIN (${FACET_VALUES[facet]}) x ON x.trace_id = t.trace_id ${filter.where} GROUP BY x.value ORDER BY count DESC, x.value LIMIT ?`,
    )
    .all(...filter.params, MAX_FACET_VALUES);
}

/** Trace counts per status filter value: a trace with a failed and a running span counts under both. */
function countStatuses(db: Database.Database, query: TraceQuery): FacetValue[] {
  const filter = traceFilterSql(query);
  const row = db
    .prepare<unknown[], { error: number | null; running: number | null; ok: number | null }>(
      `SELECT sum(t.error_count > 0) AS error, sum(t.running_count > 0) AS running, sum(t.error_count = 0 AND t.running_count = 0) AS ok FROM traces t ${filter.where}`,
    )
    .get(...filter.params);
  return statusFacet(row ?? { error: 0, running: 0, ok: 0 });
}

/** Service, span name, status, model and conversation facets of the traces matching a query; each facet ignores its own filter. */
export function sqliteTraceFacets(db: Database.Database, query: TraceQuery): Facets {
  const queries = traceFacetQueries(query);
  return {
    service: countTraces(db, 'service', queries.service),
    name: countTraces(db, 'name', queries.name),
    status: countStatuses(db, queries.status),
    level: [],
    model: countTraces(db, 'model', queries.model),
    conversation: countTraces(db, 'conversation', queries.conversation),
  };
}
