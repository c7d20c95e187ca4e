// Run under callgrind by spanInstructions.mjs: one contender, warm-up spans of every workload, then phases (an
// empty one, then `n` spans of each workload, all flushed), each phase between two calls of os.freemem(), which
// the parent has callgrind dump at (--dump-before=uv_get_free_memory): one count per phase, start-up and
// warm-up in a dump of their own. `log`: phases of developer-API log calls with and without a call site.
import { mkdtempSync, rmSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logs } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { createAitrace, getLogger } from '@aitrace/otel';
import { makeContender } from './spanContenders.mjs';
import { WORKLOADS } from './spanWorkloads.mjs';

const [contender, n, warmup] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-ir-'));

/** Runs each phase between dump markers. */
async function phases(list, flush) {
  for (const phase of list) {
    freemem();
    phase();
    await flush();
  }
  freemem();
}

if (contender === 'log') {
  const aitrace = createAitrace({ output: join(dir, 'log.jsonl'), config: false, scrub: false });
  logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [aitrace.logRecordProcessor] }));
  const withSite = getLogger('bench', { captureCallSite: true, scrub: { enabled: false } });
  const withoutSite = getLogger('bench', { captureCallSite: false, scrub: { enabled: false } });
  const calls = (log, count) => {
    for (let i = 0; i < count; i++) log.info('batch_started', { batch_id: i, count: 3, user: 'ada' });
  };
  calls(withSite, warmup);
  calls(withoutSite, warmup);
  await aitrace.forceFlush();
  await phases([() => {}, () => calls(withSite, n), () => calls(withoutSite, n)], () => aitrace.forceFlush());
  await aitrace.shutdown();
} else {
  const c = makeContender(contender, dir, (warmup + n) * 4);
  for (const { run } of Object.values(WORKLOADS)) {
    for (let done = 0; done < warmup;) done += run(c.tracer, Math.min(500, warmup - done));
  }
  await c.flush();
  await phases(
    [
      () => {},
      ...Object.values(WORKLOADS).map(
        ({ run }) =>
          () =>
            run(c.tracer, n),
      ),
    ],
    () => c.flush(),
  );
  await c.shutdown();
}
rmSync(dir, { recursive: true, force: true });
