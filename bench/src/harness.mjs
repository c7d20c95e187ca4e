// Interleaved, repeated measurement: every round runs each contender once, in rotating order, so machine noise
// hits all of them alike. Results are medians with their spread; ratios are the headline.

/** Median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `rounds` rounds of every contender (`{ name, run: async () => ops }` returning operations done). */
export async function compare(contenders, { rounds = 7, warmup = 1 } = {}) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    for (const contender of order) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      const ops = await contender.run();
      const ns = Number(process.hrtime.bigint() - start);
      if (round >= warmup) samples.get(contender.name).push(ns / ops);
    }
  }
  return Object.fromEntries(
    [...samples].map(([name, nsPerOp]) => {
      const med = median(nsPerOp);
      return [name, { ns_per_op: med, ops_per_s: 1e9 / med, min_ns: Math.min(...nsPerOp), max_ns: Math.max(...nsPerOp), spread_pct: ((Math.max(...nsPerOp) - Math.min(...nsPerOp)) / med) * 100, rounds: nsPerOp.length }];
    }),
  );
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
