import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEntry } from './traceEntries.js';

/** A place in the source code: an absolute path and 1-based line and column. */
export interface SourceLocation {
  path: string;
  line: number;
  column: number;
}

/** Where an entry was written in the code, as recorded (`file`, `line`, `column` in `__tracer_meta__`). */
export function recordedSource(entry: TraceEntry): { file: string; line: number | undefined; column: number | undefined } | undefined {
  if (entry.kind === 'span') {
    const { file, line } = entry.span;
    const column = entry.span.end?.column ?? entry.span.start?.column;
    return file === undefined ? undefined : { file, line, column };
  }
  if (entry.kind === 'record') {
    const { file, line, column } = entry.record;
    return file === undefined ? undefined : { file, line, column };
  }
  return undefined;
}

/**
 * Finds a recorded source file on disk. Writers record paths relative to their working directory, so a
 * relative path is tried against the workspace folders, then the trace file's folder and its parents.
 * Returns the candidates tried when none exists.
 */
export function resolveSource(
  recorded: { file: string; line: number | undefined; column: number | undefined },
  traceFile: string,
  workspaceFolders: readonly string[],
): { found: SourceLocation } | { tried: string[] } {
  const position = { line: recorded.line ?? 1, column: recorded.column ?? 1 };
  const file = recorded.file.startsWith('file://') ? fileURLToPath(recorded.file) : recorded.file;
  if (isAbsolute(file)) return existsSync(file) ? { found: { path: file, ...position } } : { tried: [file] };
  const bases = [...workspaceFolders];
  for (let dir = dirname(traceFile); !bases.includes(dir); dir = dirname(dir)) {
    bases.push(dir);
    if (dirname(dir) === dir) break;
  }
  const tried: string[] = [];
  for (const base of bases) {
    const candidate = resolve(join(base, file));
    if (tried.includes(candidate)) continue;
    tried.push(candidate);
    if (existsSync(candidate)) return { found: { path: candidate, ...position } };
  }
  return { tried };
}
