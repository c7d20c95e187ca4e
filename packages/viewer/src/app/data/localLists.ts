import { LEVEL_NAMES, type NormalizedRecord } from '@aitrace/format';
import { traceMatches, type StoredTrace, type TraceSummary, type Facets } from '@aitrace/forest';
import { countValues } from '../model/facetCounts.js';
import type { ListRequest } from '../model/listOptions.js';
import type { LogViewQuery } from '../model/logQuery.js';
import { entryMatches } from '../model/streamEntries.js';
import { withinBounds, type TimeBounds } from '../model/timeRange.js';
import type { TraceListPage } from '../model/TraceListItem.js';
import type { TraceQuery } from '../model/traceQuery.js';
import type { LogListPage } from './TraceSource.js';

const SORT_VALUE: Readonly<Record<NonNullable<ListRequest['sort']>, (trace: TraceSummary) => number>> = {
  start: (trace) => trace.startUs,
  duration: (trace) => trace.durationMs ?? -1,
  spans: (trace) => trace.spanCount,
  errors: (trace) => trace.errorCount,
};

const offsetOf = (cursor: string | null): number => (cursor === null ? 0 : Math.max(0, Number.parseInt(cursor, 10) || 0));

/** One page of the traces in the page, filtered, cut to the time range and sorted as the server would; the cursor is an offset. */
export function localTraceList(traces: readonly StoredTrace[], query: TraceQuery, cursor: string | null, request: ListRequest): TraceListPage {
  const value = SORT_VALUE[request.sort ?? 'start'];
  const sign = request.order === 'asc' ? 1 : -1;
  const bounds = request.bounds ?? {};
  const matching = traces
    .filter((trace) => withinBounds(bounds, trace.summary.startUs) && traceMatches(trace, query))
    .map((trace) => trace.summary)
    .sort((a, b) => sign * (value(a) - value(b)) || sign * (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  const offset = offsetOf(cursor);
  const end = offset + (request.limit ?? 100);
  return { traces: matching.slice(offset, end), nextCursor: end < matching.length ? String(end) : null };
}

/** Whether a log matches the logs view's filters the way `GET /api/logs` does. */
export function logMatches(record: NormalizedRecord, query: LogViewQuery, bounds: TimeBounds): boolean {
  if (record.type !== 'log' || !withinBounds(bounds, record.timeUs)) return false;
  if (query.traceId !== undefined && record.traceId !== query.traceId) return false;
  if (query.level !== undefined && (record.level === undefined || LEVEL_NAMES.indexOf(record.level) < LEVEL_NAMES.indexOf(query.level))) return false;
  const filters: TraceQuery = {
    attrs: query.attrs,
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(query.service !== undefined ? { service: query.service } : {}),
  };
  return entryMatches({ seq: 0, kind: 'log', timeUs: record.timeUs, record }, filters);
}

/** One page of the logs among `records`; the cursor is an offset. */
export function localLogList(records: readonly NormalizedRecord[], query: LogViewQuery, bounds: TimeBounds, cursor: string | null, limit: number): LogListPage {
  const sign = query.oldestFirst ? 1 : -1;
  const logs = records.filter((record) => logMatches(record, query, bounds)).sort((a, b) => sign * (a.timeUs - b.timeUs));
  const offset = offsetOf(cursor);
  return { logs: logs.slice(offset, offset + limit), nextCursor: offset + limit < logs.length ? String(offset + limit) : null };
}

/** Trace facets of the traces in the page, as `GET /api/facets` counts them (forest's reference matcher decides). */
export function localTraceFacets(traces: readonly StoredTrace[], query: TraceQuery, bounds: TimeBounds): Facets {
  const inRange = traces.filter((trace) => withinBounds(bounds, trace.summary.startUs));
  const { service: _service, ...withoutService } = query;
  const { name: _name, ...withoutName } = query;
  const { status: _status, ...withoutStatus } = query;
  const { model: _model, ...withoutModel } = query;
  const { conversation: _conversation, ...withoutConversation } = query;
  const matching = (without: TraceQuery): StoredTrace[] => inRange.filter((trace) => traceMatches(trace, without));
  const present = (values: ReadonlyArray<string | undefined>): string[] => values.filter((value): value is string => value !== undefined);
  return {
    service: countValues(matching(withoutService).map((trace) => present([...trace.spans, ...trace.records].map((record) => record.service)))),
    name: countValues(matching(withoutName).map((trace) => present(trace.spans.map((span) => span.name)))),
    status: countValues(
      matching(withoutStatus).map(({ summary }) => [
        ...(summary.errorCount > 0 ? ['error'] : []),
        ...(summary.runningCount > 0 ? ['running'] : []),
        ...(summary.errorCount === 0 && summary.runningCount === 0 ? ['ok'] : []),
      ]),
    ),
    level: [],
    model: countValues(matching(withoutModel).map((trace) => trace.summary.models)),
    conversation: countValues(matching(withoutConversation).map((trace) => trace.summary.conversations)),
  };
}

/** Log facets (service, level) of the logs among `records`, as `GET /api/facets?scope=logs` counts them. */
export function localLogFacets(records: readonly NormalizedRecord[], query: LogViewQuery, bounds: TimeBounds): Facets {
  const { service: _service, ...withoutService } = query;
  const { level: _level, ...withoutLevel } = query;
  const logs = (filters: LogViewQuery): NormalizedRecord[] => records.filter((record) => logMatches(record, filters, bounds));
  return {
    service: countValues(logs(withoutService).map((record) => (record.service === undefined ? [] : [record.service]))),
    name: [],
    status: [],
    level: countValues(logs(withoutLevel).map((record) => (record.level === undefined ? [] : [record.level]))),
    model: [],
    conversation: [],
  };
}
