import fc from 'fast-check';
import { figure, SEED, STRESS } from '../reliability/support.js';

/**
 * Runs per property: AITRACE_FUZZ_RUNS when set (test:stress sets it), else `normal`. Properties that cost a
 * real HTTP request per run take `share` of it, never fewer than `normal`.
 */
export function fuzzRuns(normal: number, share = 1): number {
  const asked = Number(process.env.AITRACE_FUZZ_RUNS);
  if (!Number.isInteger(asked) || asked <= 0) return normal;
  return Math.max(normal, Math.round(asked * share));
}

/** Milliseconds a fuzz test may take: generous when the runs are raised. */
export function fuzzTimeout(normalMs: number): number {
  return STRESS || process.env.AITRACE_FUZZ_RUNS !== undefined ? 3_600_000 : normalMs;
}

/** Reports a passed property as a figure for RELIABILITY.md. */
function reportRuns(name: string, numRuns: number, began: number): void {
  figure(`fuzz ${name}: ${numRuns} runs passed in ${Date.now() - began} ms (seed ${SEED}${STRESS ? ', fresh under test:stress' : ''})`);
}

/**
 * Checks that `predicate` holds (does not throw) for values of `arbitrary`, with the fixed seed of the normal run
 * (AITRACE_SEED replays another; test:stress picks a fresh one and prints it), and reports the number of runs.
 */
export function checkProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, normalRuns: number): void {
  const numRuns = fuzzRuns(normalRuns);
  const began = Date.now();
  fc.assert(fc.property(arbitrary, predicate), { seed: SEED, numRuns });
  reportRuns(name, numRuns, began);
}

/** `checkProperty` for a predicate that does I/O; it takes `share` of AITRACE_FUZZ_RUNS. */
export async function checkAsyncProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  normalRuns: number,
  share: number,
): Promise<void> {
  const numRuns = fuzzRuns(normalRuns, share);
  const began = Date.now();
  await fc.assert(fc.asyncProperty(arbitrary, predicate), { seed: SEED, numRuns });
  reportRuns(name, numRuns, began);
}
