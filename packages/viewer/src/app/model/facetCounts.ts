import type { FacetValue } from '@aitrace/forest';

/** Counts values seen once per counted item into facet values, most frequent first, then by value. */
export function countValues(values: Iterable<Iterable<string>>): FacetValue[] {
  const counts = new Map<string, number>();
  for (const itemValues of values) for (const value of new Set(itemValues)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
