import { LEVEL_NAMES, parseLevel, type LevelName } from '@aitrace/format';
import type { LogQuery } from '../store/TraceStore.js';
import { HttpError } from './HttpError.js';
import { attrParams, checkKnown, orderParam, pageParams, textParam, timeParam } from './parseTraceQuery.js';

const LOG_PARAMS = ['q', 'level', 'service', 'from', 'to', 'attr', 'trace', 'order', 'limit', 'cursor', 'access_token'];
const HEX = /^[0-9a-f]+$/;

/**
 * The `level` parameters: one level is a minimum (`warn`: warn, error and fatal); several (`info,error`, or
 * `level` repeated) are the levels listed. Level names are read as writers spell them (`WARNING`, `err`).
 */
export function levelsParam(params: URLSearchParams): LevelName[] | undefined {
  const names = params
    .getAll('level')
    .flatMap((text) => text.split(','))
    .map((text) => text.trim())
    .filter((text) => text !== '');
  if (names.length === 0) return undefined;
  const levels = names.map((name) => {
    const level = parseLevel(name);
    if (level === undefined)
      throw new HttpError(
        400,
        `level must be one of ${LEVEL_NAMES.join(', ')} (one is a minimum, a comma-separated list picks levels), got ${JSON.stringify(name)}`,
      );
    return level;
  });
  if (levels.length === 1) return LEVEL_NAMES.slice(LEVEL_NAMES.indexOf(levels[0]!));
  return LEVEL_NAMES.filter((level) => levels.includes(level));
}

/** Reads the log-list query string (`q`, `level`, `service`, `from`, `to`, `attr=key=value`..., `trace`, `order`, `limit`, `cursor`). */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  checkKnown(params, LOG_PARAMS);
  const query: LogQuery = {};
  const q = textParam(params, 'q');
  if (q !== undefined) query.q = q;
  const levels = levelsParam(params);
  if (levels !== undefined) query.levels = levels;
  const service = textParam(params, 'service');
  if (service !== undefined) query.service = service;
  const fromUs = timeParam(params, 'from');
  if (fromUs !== undefined) query.fromUs = fromUs;
  const toUs = timeParam(params, 'to');
  if (toUs !== undefined) query.toUs = toUs;
  if (fromUs !== undefined && toUs !== undefined && fromUs > toUs)
    throw new HttpError(400, `from must not be later than to, got from=${params.get('from')} and to=${params.get('to')}`);
  const attrs = attrParams(params);
  if (attrs.length > 0) query.attrs = attrs;
  const trace = textParam(params, 'trace')?.toLowerCase();
  if (trace !== undefined) {
    if (!HEX.test(trace)) throw new HttpError(400, `trace must be a hex trace id, got ${JSON.stringify(params.get('trace'))}`);
    query.traceId = trace;
  }
  const order = orderParam(params);
  if (order !== undefined) query.order = order;
  Object.assign(query, pageParams(params));
  return query;
}
