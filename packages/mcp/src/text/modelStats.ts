import { modelOf, usageOf } from '@aitrace/forest';
import { NameStats } from './SpanNameTable.js';

/** Models tracked one by one; calls of further models are summed in one row (a file rarely names more). */
const MAX_MODELS = 1_000;
const OTHER_MODELS = '(other models)';

/** One model's row: calls, errors, tokens in and out, latency percentiles. */
export interface ModelRow {
  model: string;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

interface ModelStats {
  latency: NameStats;
  input: number;
  output: number;
}

/** Calls, tokens and latencies per model, as `aitrace stats` and the MCP statistics tool report them. */
export class ModelTable {
  private readonly models = new Map<string, ModelStats>();

  /** Adds an ended span to its model's row, when it is an LLM call (it names a model and reports tokens or a GenAI operation). */
  add(attrs: Record<string, unknown>, durationMs: number, error: boolean): void {
    const model = modelOf(attrs);
    if (model === undefined) return;
    const usage = usageOf(attrs);
    if (usage.input === undefined && usage.output === undefined && attrs['gen_ai.operation.name'] === undefined) return;
    const key = this.models.has(model) || this.models.size < MAX_MODELS ? model : OTHER_MODELS;
    let stats = this.models.get(key);
    if (stats === undefined) this.models.set(key, (stats = { latency: new NameStats(), input: 0, output: 0 }));
    stats.latency.add(durationMs, error);
    stats.input += usage.input ?? 0;
    stats.output += usage.output ?? 0;
  }

  /** The rows, most calls first. */
  rows(): ModelRow[] {
    return [...this.models]
      .sort(([a, x], [b, y]) => y.latency.count - x.latency.count || a.localeCompare(b))
      .map(([model, m]) => {
        const percentiles = m.latency.percentiles();
        return {
          model,
          calls: m.latency.count,
          errors: m.latency.errors,
          input_tokens: m.input,
          output_tokens: m.output,
          p50_ms: percentiles?.p50 ?? null,
          p95_ms: percentiles?.p95 ?? null,
        };
      });
  }
}
