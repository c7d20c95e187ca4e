// Instructions per span, counted by valgrind's callgrind: repeatable where wall-clock time is not (a loaded
// machine changes the time a span takes, not the instructions it runs). One process per contender: start-up and
// warm-up (every workload) first, then one phase per workload with n spans, each counted on its own (callgrind
// dumps at a marker call between phases); per span = (phase - an empty phase) / n. Every thread counts (the
// async writer's libuv thread too); the kernel does not.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './spanContenders.mjs';
import { WORKLOADS } from './spanWorkloads.mjs';

const CHILD = fileURLToPath(new URL('./spanInstructionsChild.mjs', import.meta.url));
const N = Number(process.env.BENCH_IR_SPANS ?? 2000);
const WARMUP = Number(process.env.BENCH_IR_WARMUP ?? 1500);

/** Whether valgrind is installed. */
export function hasCallgrind() {
  return spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Instructions of each phase of one child run: [empty, ...one per phase]. */
function phaseCounts(contender, phases) {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-cg-'));
  const out = join(dir, 'cg.out');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--dump-before=uv_get_free_memory',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--single-threaded',
        CHILD,
        contender,
        String(N),
        String(WARMUP),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`callgrind run failed (${contender}): ${stderr}`);
        // Dump 1 holds start-up and warm-up; dumps 2.. the phases, in order.
        const counts = Array.from({ length: phases }, (_, i) => Number(/^totals:\s*(\d+)/m.exec(readFileSync(`${out}.${i + 2}`, 'utf8'))[1]));
        resolve(counts);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Instructions per span, workload -> contender -> count; and per log call with and without a call site (`log`). */
export async function spanInstructions({ contenders = Object.keys(CONTENDERS), concurrency = 2 } = {}) {
  const workloads = Object.keys(WORKLOADS);
  const jobs = [...contenders.map((contender) => ({ contender, phases: workloads.length + 1 })), { contender: 'log', phases: 3 }];
  const counts = {};
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) counts[job.contender] = await phaseCounts(job.contender, job.phases);
    }),
  );
  const out = Object.fromEntries(
    workloads.map((workload, i) => [workload, Object.fromEntries(contenders.map((c) => [c, (counts[c][i + 1] - counts[c][0]) / N]))]),
  );
  out.log = { site: (counts.log[1] - counts.log[0]) / N, nosite: (counts.log[2] - counts.log[0]) / N };
  return out;
}
