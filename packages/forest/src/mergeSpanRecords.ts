import type { NormalizedRecord } from '@aitrace/format';

// Fields an end record may lack that its start carried (source location, parent, links...).
const INHERITED = ['parentSpanId', 'kind', 'service', 'resource', 'scope', 'scopeVersion', 'pid', 'file', 'line', 'column', 'function', 'links'] as const;

/**
 * Combines two records of the same span into the one to keep: an end beats a start whatever the
 * arrival order, otherwise the newer arrival wins. The kept record inherits the other's attributes
 * (its own values win) and the fields it lacks, so a span's start attributes survive its end.
 */
export function mergeSpanRecords(stored: NormalizedRecord, incoming: NormalizedRecord): NormalizedRecord {
  const incomingWins = incoming.type === 'span_end' || stored.type !== 'span_end';
  const winner = incomingWins ? incoming : stored;
  const loser = incomingWins ? stored : incoming;
  const merged: NormalizedRecord = { ...winner, attrs: { ...loser.attrs, ...winner.attrs }, meta: { ...winner.meta } };
  for (const field of INHERITED) {
    if (merged[field] === undefined && loser[field] !== undefined) (merged as unknown as Record<string, unknown>)[field] = loser[field];
  }
  return merged;
}
