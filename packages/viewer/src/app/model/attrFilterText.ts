import { FilterSyntaxError, parseFilterText, quoteFilterValue, type AttrFilter } from '@aitrace/forest';

/** The attribute filters typed in one text box, or the first mistake in it. */
export type AttrFilterParse = { ok: true; filters: AttrFilter[] } | { ok: false; error: string };

/**
 * Reads the `key=value` terms of the filter text syntax (forest's `parseFilterText`), separated by spaces; a value
 * with spaces or quotes is written in double quotes with `\"` and `\\` escapes: `user.name="Ada Lovelace"`.
 */
export function parseAttrFilterText(text: string): AttrFilterParse {
  try {
    const filters: AttrFilter[] = [];
    for (const term of parseFilterText(text)) {
      if (term.kind !== 'attr') return { ok: false, error: `column ${term.column}: ${JSON.stringify(term.source)}: attribute filters are key=value` };
      filters.push({ key: term.key, value: term.value });
    }
    return { ok: true, filters };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Writes attribute filters back as text that `parseAttrFilterText` reads into the same filters. */
export function formatAttrFilterText(filters: readonly AttrFilter[]): string {
  return filters.map(({ key, value }) => `${quoteFilterValue(key)}=${quoteFilterValue(value)}`).join(' ');
}
