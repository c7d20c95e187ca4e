import { SPAN_STATES } from '@aitrace/format';
import type { SpanFilter, SpanState } from '@aitrace/forest';
import { InputError } from './InputError.js';

const STATES: readonly SpanState[] = SPAN_STATES;

/** Reads `--name`, `--where key=value` and `--status` into a span filter, with errors that name the option (as `option` spells it). */
export function parseFilter(
  name: string | undefined,
  where: string[] | undefined,
  status: string | undefined,
  option = (name: string): string => `--${name}`,
): SpanFilter {
  const filter: SpanFilter = { where: [] };
  if (name !== undefined) filter.name = name;
  for (const item of where ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new InputError(`${option('where')} expects key=value, got ${JSON.stringify(item)}`);
    filter.where.push({ key: item.slice(0, at), value: item.slice(at + 1) });
  }
  if (status !== undefined) {
    const normalized = status.replace('-', '_') as SpanState;
    if (!STATES.includes(normalized)) throw new InputError(`${option('status')} must be one of ${STATES.join(', ')}, got ${JSON.stringify(status)}`);
    filter.status = normalized;
  }
  return filter;
}
