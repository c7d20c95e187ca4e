// Span path: every workload through aitrace (async, sync), the SDK's floor and OTLP JSON to file, per span.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare } from './harness.mjs';
import { CONTENDERS, makeContender } from './spanContenders.mjs';
import { WORKLOADS } from './spanWorkloads.mjs';

const SCALE = Number(process.env.BENCH_SPAN_SCALE ?? 1);

/** One full run: every workload, its contenders interleaved round by round; results keyed workload -> a..d. */
export async function spanPath() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-span-'));
  const out = {};
  for (const [name, workload] of Object.entries(WORKLOADS)) {
    const spans = Math.max(100, Math.round(workload.spans * SCALE));
    mkdirSync(join(dir, name));
    const made = Object.fromEntries(Object.keys(CONTENDERS).map((key) => [key, makeContender(key, join(dir, name), spans)]));
    out[name] = await compare(
      Object.entries(made).map(([key, c]) => ({
        name: key,
        run: async () => {
          const n = workload.run(c.tracer, spans);
          await c.flush();
          return n;
        },
      })),
    );
    await Promise.all(Object.values(made).map((c) => c.shutdown()));
  }
  return out;
}
