// Bundles the browser viewer (src/app) into dist/: index.html, a script and a stylesheet under assets/ named by
// content hash, and viewer.json naming both (renderTraceHtml reads it to inline them into single-file traces).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const here = import.meta.dirname;
const dist = join(here, 'dist');
// Only the bundle's own outputs are replaced: dist/ also holds the TypeScript build of @aitrace/viewer/html.
rmSync(join(dist, 'assets'), { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: ['src/app/main.ts'],
  outdir: 'dist',
  entryNames: 'assets/viewer-[hash]',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // light-dark() in the stylesheet needs these versions or later.
  target: ['es2022', 'chrome123', 'firefox120', 'safari17.5'],
  conditions: ['@aitrace/source'],
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === 'src/app/main.ts');
if (entry === undefined || entry[1].cssBundle === undefined) throw new Error('the viewer bundle produced no script or no stylesheet');
const asset = (path) => relative(dist, join(here, path)).split('\\').join('/');
const script = asset(entry[0]);
const style = asset(entry[1].cssBundle);

writeFileSync(
  join(dist, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>aitrace</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${style}">
<script defer src="/${script}"></script>
</head>
<body></body>
</html>
`,
);
writeFileSync(join(dist, 'viewer.json'), `${JSON.stringify({ script, style }, null, 2)}\n`);
