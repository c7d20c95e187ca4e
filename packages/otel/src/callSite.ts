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

/**
 * The first stack frame outside aitrace, OpenTelemetry and Node internals, or undefined. It reads the formatted
 * stack, so source maps apply when they are on (`node --enable-source-maps`, tsx, vitest).
 * `extraInternal` names more path fragments to skip (e.g. a wrapper library).
 */
export function captureCallSite(extraInternal?: readonly string[]): CallSite | undefined {
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: string } = {};
  try {
    Error.stackTraceLimit = 30;
    Error.captureStackTrace(holder, captureCallSite);
    const lines = (holder.stack ?? '').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const match = FRAME.exec(lines[i]!);
      if (match === null) continue;
      const [, fn, location, line, column] = match;
      const path = location!.startsWith('file:') ? fileURLToPath(location!) : location!;
      if (isInternal(path) || extraInternal?.some((fragment) => path.includes(fragment))) continue;
      const site: CallSite = { file: toDisplayPath(path), line: Number(line), column: Number(column) };
      if (fn && fn !== '<anonymous>') site.function = fn.replace(/^(?:new |Object\.|Module\.)/, '');
      return site;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
}
