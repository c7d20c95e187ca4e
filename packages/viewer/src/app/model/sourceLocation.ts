/** Where a record was written from, as far as it says. */
export interface SourceFields {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  function?: string | undefined;
}

/** `src/agent.ts:42:7 in plan`, or whatever part of it is known; undefined when nothing is. */
export function formatSourceLocation(source: SourceFields): string | undefined {
  let place = source.file;
  if (place !== undefined && source.line !== undefined) place += `:${source.line}${source.column !== undefined ? `:${source.column}` : ''}`;
  if (source.function === undefined) return place;
  return place === undefined ? `in ${source.function}` : `${place} in ${source.function}`;
}
