import { findSourceMap, type SourceMap } from 'node:module';
import { isAbsolute, relative, sep } from 'node:path';
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
const INTERNAL = [`${sep}node_modules${sep}@opentelemetry${sep}`, `${sep}node_modules${sep}@aitrace${sep}`, `${sep}node_modules${sep}tslib${sep}`];
const TEST_FILE = /\.test\.[cm]?[jt]s$/;
// One formatted frame, as a stack formatter someone installed writes it: "    at fn (file:///app/x.ts:10:5)".
const FRAME = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/;
// Each frame costs; the caller is usually within the first few, so look deeper only when it is not.
const NEAR_FRAMES = 8;
const DEEP_FRAMES = 40;
const CACHE_LIMIT = 10_000;

function isInternal(path: string): boolean {
  if (path.startsWith('node:') || !path.includes(sep)) return true;
  // This package's own modules are machinery; its tests beside them are callers.
  if (path.startsWith(OWN_DIR) && !TEST_FILE.test(path)) return true;
  for (const marker of INTERNAL) if (path.includes(marker)) return true;
  return false;
}

/** A file as V8 names it (path or file: URL) -> its path, or null when it is machinery. Files repeat, so cached. */
const paths = new Map<string, string | null>();

function pathOf(location: string): string | null {
  let path = paths.get(location);
  if (path === undefined) {
    const resolved = location.startsWith('file:') ? fileURLToPath(location) : location;
    path = isInternal(resolved) ? null : resolved;
    if (paths.size < CACHE_LIMIT) paths.set(location, path);
  }
  return path;
}

/** Paths relative to the working directory (absolute when outside it); cached until the directory changes. */
const displayPaths = new Map<string, string>();
let displayCwd = '';

function toDisplayPath(path: string): string {
  const cwd = process.cwd();
  if (cwd !== displayCwd) {
    displayPaths.clear();
    displayCwd = cwd;
  }
  let display = displayPaths.get(path);
  if (display === undefined) {
    const rel = isAbsolute(path) ? relative(cwd, path) : path;
    display = rel.startsWith('..') || isAbsolute(rel) ? path : rel;
    if (displayPaths.size < CACHE_LIMIT) displayPaths.set(path, display);
  }
  return display;
}

/** The source map Node holds for a file (source maps on), looked up once per file. */
const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapOf(path: string): SourceMap | null {
  let map = sourceMaps.get(path);
  if (map === undefined) {
    try {
      map = findSourceMap(path) ?? null;
    } catch {
      map = null;
    }
    if (sourceMaps.size < CACHE_LIMIT) sourceMaps.set(path, map);
  }
  return map;
}

function sourceMapsEnabled(): boolean {
  return (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
}

function functionName(fn: string | null | undefined): string | undefined {
  return fn && fn !== '<anonymous>' ? fn.replace(/^(?:new |Object\.|Module\.)/, '') : undefined;
}

function siteOf(path: string, line: number, column: number, fn: string | null | undefined): CallSite {
  const site: CallSite = { file: toDisplayPath(path), line, column };
  const name = functionName(fn);
  if (name !== undefined) site.function = name;
  return site;
}

/** The frame's position in its source: through Node's source map when source maps are on, else as it ran. */
function mappedSite(path: string, frame: NodeJS.CallSite): CallSite {
  const line = frame.getLineNumber() ?? 0;
  const column = frame.getColumnNumber() ?? 0;
  const fn = frame.getFunctionName() ?? frame.getMethodName();
  const map = sourceMapsEnabled() ? sourceMapOf(path) : null;
  if (map !== null && line > 0) {
    const entry = map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number; name: string }>;
    if (entry.originalSource !== undefined && entry.originalLine !== undefined) {
      const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      return siteOf(source, entry.originalLine + 1, (entry.originalColumn ?? 0) + 1, fn);
    }
  }
  return siteOf(path, line, column, fn);
}

/**
 * The frame as a stack formatter someone installed (source-map-support, a test runner) prints it, for positions
 * only that formatter can map; only this one frame is formatted and read.
 */
function formattedSite(format: Formatter, holder: object, frame: NodeJS.CallSite): CallSite | undefined {
  const text = format(holder as Error, [frame]);
  const match = typeof text === 'string' ? FRAME.exec(text.split('\n').find((line) => FRAME.test(line)) ?? '') : null;
  if (match === null) return undefined;
  const [, fn, location, line, column] = match;
  const path = location!.startsWith('file:') ? fileURLToPath(location!) : location!;
  return siteOf(path, Number(line), Number(column), fn);
}

const structured = (_error: Error, frames: NodeJS.CallSite[]): NodeJS.CallSite[] => frames;

type Formatter = NonNullable<typeof Error.prepareStackTrace>;

/** A stack formatter someone installed (source-map-support, a test runner); not Node's own default one. */
function foreignFormatter(format: Formatter | undefined): Formatter | undefined {
  return format === undefined || format.name === 'ErrorPrepareStackTrace' ? undefined : format;
}

/** The caller within `limit` frames; null when the stack ended before the limit without one (looking deeper finds nothing). */
function capture(limit: number, extraInternal: readonly string[] | undefined, foreign: Formatter | undefined): CallSite | null | undefined {
  Error.stackTraceLimit = limit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, captureCallSite);
  const frames = holder.stack ?? [];
  for (const frame of frames) {
    const location = frame.getFileName();
    if (!location) continue;
    const path = pathOf(location);
    if (path === null || extraInternal?.some((fragment) => path.includes(fragment))) continue;
    if (foreign !== undefined && !(sourceMapsEnabled() && sourceMapOf(path) !== null)) {
      // A formatter someone installed may map positions that Node does not know a source map for.
      Error.prepareStackTrace = foreign;
      return formattedSite(foreign, holder, frame) ?? mappedSite(path, frame);
    }
    return mappedSite(path, frame);
  }
  return frames.length < limit ? null : undefined;
}

/**
 * The first stack frame outside aitrace, OpenTelemetry and Node internals, or undefined. Reads V8's structured
 * frames (a few, no stack text); with source maps on (`node --enable-source-maps`, tsx) the position is mapped
 * through Node's source map for that file, looked up once. Paths are relative to the working directory.
 * `extraInternal` names more path fragments to skip (e.g. a wrapper library).
 */
export function captureCallSite(extraInternal?: readonly string[]): CallSite | undefined {
  const previousLimit = Error.stackTraceLimit;
  const installed = Error.prepareStackTrace as Formatter | undefined;
  const foreign = foreignFormatter(installed);
  Error.prepareStackTrace = structured as typeof Error.prepareStackTrace;
  try {
    const near = capture(NEAR_FRAMES, extraInternal, foreign);
    if (near !== undefined) return near ?? undefined;
    Error.prepareStackTrace = structured as typeof Error.prepareStackTrace;
    return capture(DEEP_FRAMES, extraInternal, foreign) ?? undefined;
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = previousLimit;
    if (installed === undefined) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    else Error.prepareStackTrace = installed;
  }
}
