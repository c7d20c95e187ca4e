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
// "    at fn (file:///app/x.ts:10:5)", "    at async fn (/app/x.ts:10:5)", "    at /app/x.ts:10:5"
const FRAME = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function isInternal(path: string): boolean {
  if (path.startsWith('node:') || !path.includes(sep)) return true;
  // This package's own modules are machinery; its tests beside them are callers.
  if (path.startsWith(OWN_DIR) && !TEST_FILE.test(path)) return true;
  for (const marker of INTERNAL) if (path.includes(marker)) return true;
  return false;
}

function toDisplayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function siteOf(path: string, line: number, column: number, fn: string | null | undefined): CallSite {
  const site: CallSite = { file: toDisplayPath(path), line, column };
  if (fn && fn !== '<anonymous>') site.function = fn.replace(/^(?:new |Object\.|Module\.)/, '');
  return site;
}

const structured = (_error: Error, frames: NodeJS.CallSite[]): NodeJS.CallSite[] => frames;

/** Fast path: V8's structured frames, when nothing maps stack positions to sources. */
function fromFrames(extraInternal: readonly string[] | undefined): CallSite | undefined {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.prepareStackTrace = structured as typeof Error.prepareStackTrace;
  try {
    Error.captureStackTrace(holder, captureCallSite);
    for (const frame of holder.stack ?? []) {
      const location = frame.getFileName();
      if (!location) continue;
      const path = location.startsWith('file:') ? fileURLToPath(location) : location;
      if (isInternal(path) || extraInternal?.some((fragment) => path.includes(fragment))) continue;
      return siteOf(path, frame.getLineNumber() ?? 0, frame.getColumnNumber() ?? 0, frame.getFunctionName() ?? frame.getMethodName());
    }
    return undefined;
  } finally {
    delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  }
}

/** Source-mapped path: the formatted stack, as the installed source-map support rewrites it. */
function fromFormattedStack(extraInternal: readonly string[] | undefined): CallSite | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureCallSite);
  const lines = (holder.stack ?? '').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const match = FRAME.exec(lines[i]!);
    if (match === null) continue;
    const [, fn, location, line, column] = match;
    const path = location!.startsWith('file:') ? fileURLToPath(location!) : location!;
    if (isInternal(path) || extraInternal?.some((fragment) => path.includes(fragment))) continue;
    return siteOf(path, Number(line), Number(column), fn);
  }
  return undefined;
}

/**
 * The first stack frame outside aitrace, OpenTelemetry and Node internals, or undefined. With source maps on
 * (`node --enable-source-maps`, tsx, vitest) it reads the mapped stack, so file and line point at the source.
 * `extraInternal` names more path fragments to skip (e.g. a wrapper library).
 */
export function captureCallSite(extraInternal?: readonly string[]): CallSite | undefined {
  const previousLimit = Error.stackTraceLimit;
  try {
    const mapped = Error.prepareStackTrace !== undefined || (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
    const capture = mapped ? fromFormattedStack : fromFrames;
    // Each frame costs; the caller is usually within the first few, so look deeper only when it is not.
    Error.stackTraceLimit = 8;
    const near = capture(extraInternal);
    if (near !== undefined) return near;
    Error.stackTraceLimit = 40;
    return capture(extraInternal);
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
}
