import type { AttrFilter } from './traceQuery.js';

/** The attribute filters typed in one text box, or the first mistake in it. */
export type AttrFilterParse = { ok: true; filters: AttrFilter[] } | { ok: false; error: string };

/**
 * Reads `key=value` pairs separated by spaces; a value with spaces or quotes is written in double quotes with
 * `\"` and `\\` escapes: `http.route=/users user.name="Ada Lovelace"`.
 */
export function parseAttrFilterText(text: string): AttrFilterParse {
  const filters: AttrFilter[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const equals = text.indexOf('=', i);
    const space = text.slice(i).search(/\s/);
    const tokenEnd = space === -1 ? text.length : i + space;
    if (equals === -1 || equals > tokenEnd || equals === i) {
      return { ok: false, error: `attribute filters are key=value, got ${JSON.stringify(text.slice(i, tokenEnd))}` };
    }
    const key = text.slice(i, equals);
    i = equals + 1;
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return { ok: false, error: `the quoted value of ${JSON.stringify(key)} has no closing "` };
        const c = text[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
    } else {
      const end = text.slice(i).search(/\s/);
      value = end === -1 ? text.slice(i) : text.slice(i, i + end);
      i += value.length;
    }
    filters.push({ key, value });
  }
  return { ok: true, filters };
}

/** Writes attribute filters back as text that `parseAttrFilterText` reads into the same filters. */
export function formatAttrFilterText(filters: readonly AttrFilter[]): string {
  return filters
    .map(({ key, value }) => (value === '' || /[\s"\\]/.test(value) ? `${key}="${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `${key}=${value}`))
    .join(' ');
}
