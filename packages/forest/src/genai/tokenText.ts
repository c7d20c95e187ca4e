import type { GenAiUsage } from './genAiView.js';
import type { TokenTotals } from './tokenRollup.js';

const COUNT = new Intl.NumberFormat('en-US');

/** A token count with thousands separators: `12,345`. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}

/** The badge of one model call: `1,200 in · 85 out` (only the counts it reported; empty when it reported none). */
export function usageBadge(usage: GenAiUsage): string {
  const parts: string[] = [];
  if (usage.input !== undefined) parts.push(`${formatCount(usage.input)} in`);
  if (usage.output !== undefined) parts.push(`${formatCount(usage.output)} out`);
  if (parts.length === 0 && usage.reasoning !== undefined) parts.push(`${formatCount(usage.reasoning)} reasoning`);
  if (parts.length === 0 && usage.cached !== undefined) parts.push(`${formatCount(usage.cached)} cached`);
  return parts.join(' · ');
}

/** The ∑ badge of a subtree or a trace: `∑ 1,285 tok` (input plus output). */
export function totalsBadge(totals: TokenTotals): string {
  return `∑ ${formatCount((totals.input ?? 0) + (totals.output ?? 0))} tok`;
}

/** Every known count in words, for a tooltip or the trace info: `1,200 input, 85 output, 1,000 cached`. */
export function usageWords(usage: GenAiUsage): string {
  const words: string[] = [];
  if (usage.input !== undefined) words.push(`${formatCount(usage.input)} input`);
  if (usage.output !== undefined) words.push(`${formatCount(usage.output)} output`);
  if (usage.cached !== undefined) words.push(`${formatCount(usage.cached)} cached`);
  if (usage.reasoning !== undefined) words.push(`${formatCount(usage.reasoning)} reasoning`);
  return words.join(', ');
}

/** A ∑ roll-up in words: `3 model calls: 1,200 input, 85 output`. */
export function totalsWords(totals: TokenTotals): string {
  return `${totals.calls} model ${totals.calls === 1 ? 'call' : 'calls'}: ${usageWords(totals)}`;
}
