import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where in the source a span started or a log was written. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
  function?: string;
}

// Frames from these places are the tracing machinery, not the caller.
const OWN_DIR = fileURLToPath(new URL('.', import.meta.url));
const INTERNAL = [`${sep}node_modules${sep}@opentelemetry${sep}`, `${sep}node_modules${sep}@aitrace${sep}`];
const TEST_FILE = /\.test\.[cm]?[jt]s$/;

function isInternal(file: string): boolean {
  if (file.startsWith('node:') || (!file.includes(sep) && !file.startsWith('file:'))) return true;
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  // This package's own modules are machinery; its tests beside them are callers.
  if (path.startsWith(OWN_DIR) && !TEST_FILE.test(path)) return true;
  for (const marker of INTERNAL) if (path.includes(marker)) return true;
  return false;
}

function toDisplayPath(file: string): string {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

const structured = (_error: Error, frames: NodeJS.CallSite[]): NodeJS.CallSite[] => frames;

/**
 * The first stack frame outside aitrace, OpenTelemetry and Node internals, or undefined.
 * `extraInternal` names more path fragments to skip (e.g. a wrapper library).
 */
export function captureCallSite(extraInternal?: readonly string[]): CallSite | undefined {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = structured as typeof Error.prepareStackTrace;
    Error.captureStackTrace(holder, captureCallSite);
    const frames = holder.stack ?? [];
    for (const frame of frames) {
      const file = frame.getFileName();
      if (file === undefined || file === null || isInternal(file)) continue;
      if (extraInternal?.some((fragment) => file.includes(fragment))) continue;
      const site: CallSite = { file: toDisplayPath(file), line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
      const fn = frame.getFunctionName() ?? frame.getMethodName();
      if (fn) site.function = fn;
      return site;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}
