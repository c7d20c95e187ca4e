import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, extname } from 'node:path';

const MAX_SUFFIX = 10_000;

/**
 * Creates `path` (and its directories) if no file is there yet, else the first free `name-2.ext`, `name-3.ext`...,
 * and returns the path it created. Exclusive creation, so two runs or processes never get the same file.
 */
export function claimFreshPath(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? path : `${stem}-${n}${ext}`;
    try {
      closeSync(openSync(candidate, 'wx'));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${path}: it and ${MAX_SUFFIX - 1} numbered variants exist already; add {run}, {trace_id} or {time} to the output path`);
}
