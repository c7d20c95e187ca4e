/** How many durations each name keeps for its percentiles. */
export const SAMPLE_SIZE = 10_000;

/** Counts and durations of the spans of one name (or of several, for the "other" row). */
export class NameStats {
  count = 0;
  errors = 0;
  max = 0;
  open = 0;
  /** A uniform reservoir sample of the durations, at most SAMPLE_SIZE. */
  readonly sample: number[] = [];
  private seen = 0;

  /** Counts one ended span. */
  add(durationMs: number, error: boolean): void {
    this.count++;
    if (error) this.errors++;
    if (durationMs > this.max) this.max = durationMs;
    this.addSample(durationMs);
  }

  /** Folds another name's figures into these; its sampled durations join the sample one by one. */
  merge(from: NameStats): void {
    this.count += from.count;
    this.errors += from.errors;
    this.open += from.open;
    if (from.max > this.max) this.max = from.max;
    for (const duration of from.sample) this.addSample(duration);
  }

  /** Nearest-rank p50 and p95 of the sample; null when no span ended. */
  percentiles(): { p50: number; p95: number } | null {
    if (this.sample.length === 0) return null;
    const sorted = Float64Array.from(this.sample).sort();
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    return { p50: at(50), p95: at(95) };
  }

  private addSample(duration: number): void {
    this.seen++;
    if (this.sample.length < SAMPLE_SIZE) this.sample.push(duration);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < SAMPLE_SIZE) this.sample[slot] = duration;
    }
  }
}

interface Entry {
  name: string;
  stats: NameStats;
  /** Records seen for the name since it entered the table: what keeps it there. */
  weight: number;
}

/**
 * Per-name stats for at most `capacity` span names, so memory stays bounded however many names a file holds.
 * When a new name arrives at a full table, the name with the fewest records (of those, the one that got there
 * first) leaves and its figures fold into `other`; frequent names stay, rare ones end up summed in `other`.
 */
export class SpanNameTable {
  /** Figures of the names that left the table. */
  readonly other = new NameStats();
  /** How many times a name left the table (0: every name's figures are exact). */
  evictions = 0;
  private readonly entries = new Map<string, Entry>();
  // Entries by weight, each set in the order its entries reached that weight; weights only grow by one.
  private readonly byWeight = new Map<number, Set<Entry>>();
  private minWeight = 0;

  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  /** The stats of `name`, entering it into the table if needed; counts one record of it. */
  touch(name: string): NameStats {
    let entry = this.entries.get(name);
    if (entry === undefined) {
      if (this.entries.size >= this.capacity) this.evict();
      entry = { name, stats: new NameStats(), weight: 0 };
      this.entries.set(name, entry);
      this.minWeight = 1;
    } else this.leaveBucket(entry);
    entry.weight++;
    let bucket = this.byWeight.get(entry.weight);
    if (bucket === undefined) this.byWeight.set(entry.weight, (bucket = new Set()));
    bucket.add(entry);
    return entry.stats;
  }

  /** The stats of `name` if it is in the table. */
  get(name: string): NameStats | undefined {
    return this.entries.get(name)?.stats;
  }

  /** Every name in the table with its stats. */
  *names(): IterableIterator<[string, NameStats]> {
    for (const entry of this.entries.values()) yield [entry.name, entry.stats];
  }

  private leaveBucket(entry: Entry): void {
    const bucket = this.byWeight.get(entry.weight)!;
    bucket.delete(entry);
    if (bucket.size > 0) return;
    this.byWeight.delete(entry.weight);
    if (entry.weight === this.minWeight) this.minWeight = entry.weight + 1;
  }

  private evict(): void {
    const bucket = this.byWeight.get(this.minWeight);
    const victim = bucket?.values().next().value;
    if (victim === undefined) return;
    this.leaveBucket(victim);
    this.entries.delete(victim.name);
    this.other.merge(victim.stats);
    this.evictions++;
  }
}
