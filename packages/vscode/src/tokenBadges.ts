import { modelOf, subtreeTokens, totalsBadge, totalsWords, traceTokens, usageBadge, usageOf, usageWords } from '@aitrace/forest';
import type { TraceEntry } from './traceEntries.js';

/** A token badge for a tree row: the text added to its description and the line added to its tooltip. */
export interface TokenBadge {
  text: string;
  tooltip: string;
}

/**
 * The tokens a tree entry shows: a model call its own counts (`195 in · 157 out`), a span above model calls and a
 * trace the ∑ of the calls (`∑ 788 tok`), by forest's roll-up rule; nothing for entries without tokens.
 */
export function tokenBadge(entry: TraceEntry): TokenBadge | undefined {
  if (entry.kind === 'trace') {
    const totals = traceTokens(entry.trace);
    return totals.calls > 0 ? { text: totalsBadge(totals), tooltip: `tokens: ${totalsWords(totals)}` } : undefined;
  }
  if (entry.kind !== 'span') return undefined;
  const usage = usageOf(entry.span.attrs);
  const own = usageBadge(usage);
  if (own !== '') {
    const model = modelOf(entry.span.attrs);
    return { text: own, tooltip: `tokens${model !== undefined ? ` (${model})` : ''}: ${usageWords(usage)}` };
  }
  if (entry.span.children.length === 0) return undefined;
  const totals = subtreeTokens(entry.span);
  return totals.calls > 0 ? { text: totalsBadge(totals), tooltip: `tokens below: ${totalsWords(totals)}` } : undefined;
}
