import { rangeFromParams, rangeToParams, type TimeBounds, type TimeRange } from './timeRange.js';

/** What the trace list can be sorted by (the server's `sort` parameter). */
export const LIST_SORTS = ['start', 'duration', 'spans', 'errors'] as const;
/** One of `LIST_SORTS`. */
export type ListSort = (typeof LIST_SORTS)[number];
/** Largest (latest) first, or smallest first. */
export type ListOrder = 'desc' | 'asc';

/** How the trace list is cut and ordered, beside its filters: time range, sort column and direction. */
export interface ListOptions {
  range: TimeRange;
  sort: ListSort;
  order: ListOrder;
}

/** The list's default: all time, newest first. */
export const DEFAULT_LIST_OPTIONS: ListOptions = { range: { kind: 'all' }, sort: 'start', order: 'desc' };

const isSort = (text: string | null): text is ListSort => (LIST_SORTS as readonly (string | null)[]).includes(text);

/** Reads `range`/`from`/`to`, `sort` and `order` from URL parameters; unknown values fall back to the default. */
export function listOptionsFromParams(params: URLSearchParams): ListOptions {
  const sort = params.get('sort');
  return { range: rangeFromParams(params), sort: isSort(sort) ? sort : 'start', order: params.get('order') === 'asc' ? 'asc' : 'desc' };
}

/** Adds the options that differ from the default to URL parameters (the inverse of `listOptionsFromParams`). */
export function listOptionsToParams(options: ListOptions, params: URLSearchParams): void {
  rangeToParams(options.range, params);
  if (options.sort !== 'start') params.set('sort', options.sort);
  if (options.order !== 'desc') params.set('order', options.order);
}

/** What a trace-list request asks beside its filters: concrete time bounds, order and page size. */
export interface ListRequest {
  bounds?: TimeBounds;
  sort?: ListSort;
  order?: ListOrder;
  limit?: number;
}
