import type { TraceTree } from '@aitrace/forest';
import { InputError } from './InputError.js';
import type { TraceScope } from './TraceSource.js';

/** The one trace whose id starts with `id` (any case); an unknown or ambiguous id is an InputError that says what to do. */
export function findTrace<T extends { traceId: string }>(traces: readonly T[], id: string): T {
  const prefix = id.trim().toLowerCase();
  const found = prefix === '' ? [] : traces.filter((trace) => trace.traceId.startsWith(prefix));
  if (found.length === 0) throw new InputError(`no trace with id ${JSON.stringify(id)}; search_traces lists the trace ids`);
  if (found.length > 1)
    throw new InputError(
      `trace id prefix ${JSON.stringify(id)} matches ${found.length} traces (${found
        .slice(0, 3)
        .map((trace) => trace.traceId)
        .join(', ')}…); give more digits`,
    );
  return found[0]!;
}

/** Whether a trace lies in a scope: its start in the time range, the service among its services, an open span if asked. */
export function inScope(trace: TraceTree, scope: TraceScope): boolean {
  if (scope.fromUs !== undefined && trace.startUs < scope.fromUs) return false;
  if (scope.toUs !== undefined && trace.startUs > scope.toUs) return false;
  if (scope.service !== undefined && !trace.services.includes(scope.service)) return false;
  return scope.open !== true || trace.runningCount + trace.cutOffCount > 0;
}
