// Interleaved, repeated measurement: every round runs each contender once, in rotating order, so machine noise
// hits all of them alike. Results are medians with their spread; ratios are the headline, and a verdict needs
// three full runs in a row (repeatRuns, acrossRuns: the worst run decides).

/** Median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The spread of samples in %: max - min of the middle two thirds (the fastest and slowest sixth left out, so one
 * descheduled round does not decide it), over the median.
 */
export function spreadPct(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const trim = Math.floor(sorted.length / 6);
  const kept = sorted.slice(trim, sorted.length - trim);
  return ((kept.at(-1) - kept[0]) / median(sorted)) * 100;
}

function summary(nsPerOp) {
  const med = median(nsPerOp);
  return {
    ns_per_op: med,
    ops_per_s: 1e9 / med,
    min_ns: Math.min(...nsPerOp),
    max_ns: Math.max(...nsPerOp),
    spread_pct: spreadPct(nsPerOp),
    rounds: nsPerOp.length,
  };
}

/**
 * Runs rounds of every contender (`{ name, run: async () => ops }` returning operations done), in rotating order
 * so machine noise hits all alike: `rounds` at least, then more (up to `maxRounds`) while any contender's
 * spread is `maxSpreadPct` or more.
 */
export async function compare(contenders, { rounds = 7, warmup = 1, maxRounds = 25, maxSpreadPct = 25 } = {}) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  const spreadTooHigh = () => [...samples.values()].some((values) => spreadPct(values) >= maxSpreadPct);
  for (let round = 0; round < warmup + rounds || (round < warmup + maxRounds && spreadTooHigh()); round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    for (const contender of order) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      const ops = await contender.run();
      const ns = Number(process.hrtime.bigint() - start);
      if (round >= warmup) samples.get(contender.name).push(ns / ops);
    }
  }
  return Object.fromEntries([...samples].map(([name, nsPerOp]) => [name, summary(nsPerOp)]));
}

/** Runs `once` (one full measurement) `times` times in a row: a verdict must hold in every run. */
export async function repeatRuns(once, times = 3) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await once(i));
  return runs;
}

/** A figure over repeated runs: each run's value, the worst (lowest for ratios where higher is better), and the spread. */
export function acrossRuns(values, higherIsBetter = true) {
  return {
    runs: values,
    worst: higherIsBetter ? Math.min(...values) : Math.max(...values),
    median: median(values),
    spread_pct: ((Math.max(...values) - Math.min(...values)) / median(values)) * 100,
  };
}

/** Peak RSS sampler. */
export function rssSampler(intervalMs = 5) {
  let peak = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const usage = process.memoryUsage();
      return { peakRss: Math.max(peak, usage.rss), peakHeap: Math.max(heapPeak, usage.heapUsed) };
    },
  };
}

/** Formats a number for the table. */
export function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
