import { LEVEL_NAMES, type NormalizedRecord } from '@aitrace/format';
import { walkSpans, type TraceTree } from '@aitrace/forest';
import { countValues, type FacetCounts } from '../model/facetCounts.js';
import type { ListRequest } from '../model/listOptions.js';
import type { LogViewQuery } from '../model/logQuery.js';
import { traceListItem, traceMatches } from '../model/localTraceList.js';
import { entryMatches } from '../model/streamEntries.js';
import { withinBounds, type TimeBounds } from '../model/timeRange.js';
import type { TraceListItem, TraceListPage } from '../model/TraceListItem.js';
import type { TraceQuery } from '../model/traceQuery.js';
import type { LogListPage } from './TraceSource.js';

const SORT_VALUE: Readonly<Record<NonNullable<ListRequest['sort']>, (trace: TraceListItem) => number>> = {
  start: (trace) => trace.startUs,
  duration: (trace) => trace.durationMs ?? -1,
  spans: (trace) => trace.spanCount,
  errors: (trace) => trace.errorCount,
};

/** The model and conversation filters, read from a list item's summary as the server reads them. */
const itemMatches = (item: TraceListItem, query: TraceQuery): boolean =>
  (query.model === undefined || (item.models ?? []).includes(query.model)) && (query.conversation === undefined || (item.conversations ?? []).includes(query.conversation));

const offsetOf = (cursor: string | null): number => (cursor === null ? 0 : Math.max(0, Number.parseInt(cursor, 10) || 0));

/** One page of the traces in the page, filtered, cut to the time range and sorted as the server would; the cursor is an offset. */
export function localTraceList(traces: readonly TraceTree[], query: TraceQuery, cursor: string | null, request: ListRequest): TraceListPage {
  const value = SORT_VALUE[request.sort ?? 'start'];
  const sign = request.order === 'asc' ? 1 : -1;
  const bounds = request.bounds ?? {};
  const matching = traces
    .filter((trace) => withinBounds(bounds, trace.startUs) && traceMatches(trace, query))
    .map(traceListItem)
    .filter((item) => itemMatches(item, query))
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
  const filters: TraceQuery = { attrs: query.attrs, ...(query.q !== undefined ? { q: query.q } : {}), ...(query.service !== undefined ? { service: query.service } : {}) };
  return entryMatches({ seq: 0, kind: 'log', timeUs: record.timeUs, record }, filters);
}

/** One page of the logs among `records`; the cursor is an offset. */
export function localLogList(records: readonly NormalizedRecord[], query: LogViewQuery, bounds: TimeBounds, cursor: string | null, limit: number): LogListPage {
  const sign = query.oldestFirst ? 1 : -1;
  const logs = records.filter((record) => logMatches(record, query, bounds)).sort((a, b) => sign * (a.timeUs - b.timeUs));
  const offset = offsetOf(cursor);
  return { logs: logs.slice(offset, offset + limit), nextCursor: offset + limit < logs.length ? String(offset + limit) : null };
}

/** Trace facets of the traces in the page, as `GET /api/facets` counts them. */
export function localTraceFacets(traces: readonly TraceTree[], query: TraceQuery, bounds: TimeBounds): FacetCounts {
  const items = new Map(traces.filter((trace) => withinBounds(bounds, trace.startUs)).map((trace) => [trace, traceListItem(trace)] as const));
  const { service: _service, ...withoutService } = query;
  const { name: _name, ...withoutName } = query;
  const { status: _status, ...withoutStatus } = query;
  const { model: _model, ...withoutModel } = query;
  const { conversation: _conversation, ...withoutConversation } = query;
  const spanNames = (trace: TraceTree): string[] => {
    const names: string[] = [];
    walkSpans(trace.roots, (node) => names.push(node.name));
    return names;
  };
  const matching = (without: TraceQuery): Array<[TraceTree, TraceListItem]> =>
    [...items].filter(([trace, item]) => traceMatches(trace, without) && itemMatches(item, without));
  return {
    service: countValues(matching(withoutService).map(([trace]) => trace.services)),
    name: countValues(matching(withoutName).map(([trace]) => spanNames(trace))),
    status: countValues(
      matching(withoutStatus).map(([trace]) => {
        const running = trace.runningCount + trace.cutOffCount > 0;
        return [...(trace.errorCount > 0 ? ['error'] : []), ...(running ? ['running'] : []), ...(trace.errorCount === 0 && !running ? ['ok'] : [])];
      }),
    ),
    level: [],
    model: countValues(matching(withoutModel).map(([, item]) => item.models ?? [])),
    conversation: countValues(matching(withoutConversation).map(([, item]) => item.conversations ?? [])),
  };
}

/** Log facets (service, level) of the logs among `records`, as `GET /api/facets?scope=logs` counts them. */
export function localLogFacets(records: readonly NormalizedRecord[], query: LogViewQuery, bounds: TimeBounds): FacetCounts {
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
