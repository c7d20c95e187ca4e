import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The real-host test (`pnpm test:vscode`): code-server with the packaged extension, driven through Chromium.
// Kept out of the main suite, which would not have code-server installed.
const conditions = ['@aitrace/source', ...defaultServerConditions.filter((condition) => condition !== 'module')];

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['host-test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
