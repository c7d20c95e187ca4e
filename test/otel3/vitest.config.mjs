// Config for the OpenTelemetry 3.x pass; scripts/test-otel3.mjs copies this folder into .tools/otel3 and runs it there.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.test.mjs'], testTimeout: 30_000 } });
