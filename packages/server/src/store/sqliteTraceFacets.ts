import type Database from 'better-sqlite3';
import { MAX_FACET_VALUES, statusFacet, traceFacetQueries } from './listQueryRules.js';
import { traceFilterSql } from './traceFilterSql.js';
import type { Facets, FacetValue, TraceQuery } from './TraceStore.js';

/**
 * Per trace of `from` (the counted traces, as `t`), the values a facet counts: `(trace_id, value)` pairs, each at
 * most once, read through the trace's own rows (its spans and records by the trace-id index).
 */
const FACET_VALUES = {
  service: (from: string) =>
    `SELECT t.trace_id, s.service AS value FROM ${from} JOIN spans s ON s.trace_id = t.trace_id WHERE s.service IS NOT NULL` +
    ` UNION SELECT t.trace_id, r.service FROM ${from} JOIN records r ON r.trace_id = t.trace_id WHERE r.service IS NOT NULL`,
  name: (from: string) => `SELECT DISTINCT t.trace_id, s.name AS value FROM ${from} JOIN spans s ON s.trace_id = t.trace_id`,
  // The trace summary's models and conversations, as the model and conversation filters read them.
  model: (from: string) => `SELECT DISTINCT t.trace_id, m.value AS value FROM ${from}, json_each(t.models) m`,
  conversation: (from: string) => `SELECT DISTINCT t.trace_id, c.value AS value FROM ${from}, json_each(t.conversations) c`,
} as const;

/** The traces a facet counts: `from` names them as `t`; filtered ones are the ids of a temporary table. */
interface FacetScope {
  from: string;
  drop(): void;
}

/** The traces matching `query`, found once into a temporary table so every facet with the same filters shares the pass. */
function facetScope(db: Database.Database, query: TraceQuery, n: number): FacetScope {
  const filter = traceFilterSql(query);
  if (filter.where === '') return { from: 'traces t', drop: () => {} };
  const table = `temp.aitrace_facet_traces_${n}`;
  db.exec(`CREATE TABLE ${table} (trace_id TEXT PRIMARY KEY)`);
  const drop = (): void => void db.exec(`DROP TABLE IF EXISTS ${table}`);
  try {
    db.prepare(`INSERT INTO ${table} SELECT t.trace_id FROM traces t ${filter.where}`).run(...filter.params);
  } catch (error) {
    drop();
    throw error;
  }
  return { from: `${table} f JOIN traces t ON t.trace_id = f.trace_id`, drop };
}

function countTraces(db: Database.Database, facet: keyof typeof FACET_VALUES, scope: FacetScope): FacetValue[] {
  return db
    .prepare<unknown[], FacetValue>(
      `SELECT value, count(*) AS count FROM (${FACET_VALUES[facet](scope.from)}) GROUP BY value ORDER BY count DESC, value LIMIT ?`,
    )
    .all(MAX_FACET_VALUES);
}

/** Trace counts per status filter value: a trace with a failed and a running span counts under both. */
function countStatuses(db: Database.Database, scope: FacetScope): FacetValue[] {
  const row = db
    .prepare<[], { error: number | null; running: number | null; ok: number | null }>(
      `SELECT sum(t.error_count > 0) AS error, sum(t.running_count > 0) AS running, sum(t.error_count = 0 AND t.running_count = 0) AS ok FROM ${scope.from}`,
    )
    .get();
  return statusFacet(row ?? { error: 0, running: 0, ok: 0 });
}

/**
 * Service, span name, status, model and conversation facets of the traces matching a query; each facet ignores its
 * own filter. Facets under the same filters (all five under a text search alone) share one pass over the traces.
 */
export function sqliteTraceFacets(db: Database.Database, query: TraceQuery): Facets {
  const queries = traceFacetQueries(query);
  const scopes = new Map<string, FacetScope>();
  const scopeOf = (facetQuery: TraceQuery): FacetScope => {
    const key = JSON.stringify(facetQuery);
    let scope = scopes.get(key);
    if (scope === undefined) {
      scope = facetScope(db, facetQuery, scopes.size);
      scopes.set(key, scope);
    }
    return scope;
  };
  try {
    return {
      service: countTraces(db, 'service', scopeOf(queries.service)),
      name: countTraces(db, 'name', scopeOf(queries.name)),
      status: countStatuses(db, scopeOf(queries.status)),
      level: [],
      model: countTraces(db, 'model', scopeOf(queries.model)),
      conversation: countTraces(db, 'conversation', scopeOf(queries.conversation)),
    };
  } finally {
    for (const scope of scopes.values()) scope.drop();
  }
}
