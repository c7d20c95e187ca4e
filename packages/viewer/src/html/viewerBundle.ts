import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built viewer's script and stylesheet, as inlined into single-file HTML traces. */
export interface ViewerBundle {
  script: string;
  style: string;
}

// Written by bundle.mjs next to index.html; names the content-hashed script and stylesheet.
const MANIFEST = 'viewer.json';
const DIST = new URL('../../dist/', import.meta.url);

let cached: ViewerBundle | undefined;

/** Reads the built viewer once; throws an error saying how to build it when it is missing. */
export function readViewerBundle(): ViewerBundle {
  if (cached !== undefined) return cached;
  let script: string;
  let style: string;
  try {
    const manifest = JSON.parse(readFileSync(new URL(MANIFEST, DIST), 'utf8')) as { script: string; style: string };
    script = readFileSync(new URL(manifest.script, DIST), 'utf8');
    style = readFileSync(new URL(manifest.style, DIST), 'utf8');
  } catch (error) {
    throw new Error(
      `the built web viewer is missing from ${fileURLToPath(DIST)} (${(error as Error).message}); build it with "node scripts/pnpm.mjs run build" in the aitrace workspace`,
      { cause: error },
    );
  }
  cached = { script, style };
  return cached;
}
