// Bundles the extension into one CommonJS file for the VS Code extension host, with the workspace packages
// (@aitrace/format, @aitrace/forest) inlined from their sources, so the .vsix needs no node_modules.
import { copyFileSync } from 'node:fs';
import { build } from 'esbuild';

// The .vsix ships the root LICENSE, copied in here rather than kept twice in git.
copyFileSync(new URL('../../LICENSE', import.meta.url), new URL('LICENSE', import.meta.url));

await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  conditions: ['@aitrace/source'],
  sourcemap: 'linked',
  minify: false,
  logLevel: 'warning',
});
