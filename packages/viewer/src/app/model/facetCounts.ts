/** One value of a facet and how many traces (or logs) have it. */
export interface FacetValue {
  value: string;
  count: number;
}

/** Facet counts as `GET /api/facets` answers them; each facet ignores its own filter, so it lists the alternatives. */
export interface FacetCounts {
  service: FacetValue[];
  name: FacetValue[];
  status: FacetValue[];
  level: FacetValue[];
  model: FacetValue[];
  conversation: FacetValue[];
}

/** Counts values seen once per counted item into facet values, most frequent first, then by value. */
export function countValues(values: Iterable<Iterable<string>>): FacetValue[] {
  const counts = new Map<string, number>();
  for (const itemValues of values) for (const value of new Set(itemValues)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
