import { isTraceStatus, TRACE_STATUSES, type TraceQuery } from './TraceQuery.js';

/** The fields a filter text can name before a colon, and the trace-query field each one sets. */
export const FILTER_FIELDS = {
  status: 'status',
  service: 'service',
  version: 'serviceVersion',
  env: 'environment',
  name: 'name',
  model: 'model',
  conversation: 'conversation',
} as const;

/** A field name of the filter text (`status`, `service`, `version`, `env`, `name`, `model`, `conversation`). */
export type FilterField = keyof typeof FILTER_FIELDS;

/** One term of a filter text, with the 1-based column where it starts and its text as typed. */
export type FilterTerm =
  | { kind: 'text'; value: string; column: number; source: string }
  | { kind: 'attr'; key: string; value: string; column: number; source: string }
  | { kind: 'field'; field: FilterField; value: string; column: number; source: string };

/** A filter text that could not be read; the message names the term and its column. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';

  constructor(
    message: string,
    /** 1-based column of the offending term. */
    readonly column: number,
  ) {
    super(message);
  }
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/**
 * Reads a filter text into its terms. The grammar, one term after another separated by white space:
 * - `word` or `"quoted words"`: free text (the free terms together, joined by one space, are the text search);
 * - `key=value`: an attribute filter (`http.route=/users`, `user.name="Ada Lovelace"`, `"odd key"=1`);
 * - `field:value`: a field filter, field one of `FILTER_FIELDS` (`status:error`, `model:"gpt-4o mini"`).
 * A quoted part starts and ends with `"`; inside it `\"` is a quote and `\\` a backslash. In a bare word the first
 * `=` or `:` decides the term's kind, so `a:b=c` is field `a`; quote a word to search for it as text (`"user:7"`).
 */
export function parseFilterText(text: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  let i = 0;
  const fail = (message: string, at: number, end: number): never => {
    throw new FilterSyntaxError(`column ${at + 1}: ${JSON.stringify(text.slice(at, end))}: ${message}`, at + 1);
  };
  // A bare or quoted piece from `i`; bare pieces stop at white space, a quote, and (for the head) `=` or `:`.
  const piece = (at: number, head: boolean, term: number): { value: string; end: number; quoted: boolean } => {
    if (text[at] === '"') {
      let value = '';
      let j = at + 1;
      for (;;) {
        if (j >= text.length) return fail('the quoted part has no closing "', term, text.length);
        const c = text[j]!;
        if (c === '"') return { value, end: j + 1, quoted: true };
        if (c === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) {
          value += text[j + 1];
          j += 2;
        } else {
          value += c;
          j++;
        }
      }
    }
    let j = at;
    while (j < text.length && !isSpace(text[j]) && text[j] !== '"' && !(head && (text[j] === '=' || text[j] === ':'))) j++;
    return { value: text.slice(at, j), end: j, quoted: false };
  };
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const start = i;
    const head = piece(i, true, start);
    i = head.end;
    const separator = text[i];
    if (separator !== '=' && separator !== ':') {
      if (i < text.length && !isSpace(text[i])) fail('a quoted part must stand alone or follow = or :', start, piece(i, false, start).end);
      terms.push({ kind: 'text', value: head.value, column: start + 1, source: text.slice(start, i) });
      continue;
    }
    if (head.value === '' && !head.quoted) fail(`nothing before "${separator}"; quote the term to search for it as text`, start, i + 1);
    const value = piece(i + 1, false, start);
    if (value.end < text.length && !isSpace(text[value.end])) fail('a quoted value must be followed by a space', start, value.end + 1);
    const source = text.slice(start, value.end);
    i = value.end;
    if (separator === '=') {
      terms.push({ kind: 'attr', key: head.value, value: value.value, column: start + 1, source });
      continue;
    }
    if (head.quoted || !Object.prototype.hasOwnProperty.call(FILTER_FIELDS, head.value)) {
      fail(
        `unknown field ${JSON.stringify(head.value)}; fields are ${Object.keys(FILTER_FIELDS).join(', ')} (quote the term to search for it as text)`,
        start,
        value.end,
      );
    }
    if (value.value === '' && !value.quoted) fail(`${head.value}: needs a value`, start, value.end);
    terms.push({ kind: 'field', field: head.value as FilterField, value: value.value, column: start + 1, source });
  }
  return terms;
}

/**
 * A filter text as a trace query, added to `base` (filters given apart from the text, such as URL parameters):
 * free words become `q` (joined by one space), `key=value` an attribute filter, and each field its query field
 * (`version` is `serviceVersion`, `env` is `environment`). A field given twice (also once in `base`), text when
 * `base` has `q`, and a status other than error, running or ok are errors naming the term and its column.
 */
export function traceQueryFromText(text: string, base: TraceQuery = {}): TraceQuery {
  const query: TraceQuery = { ...base, ...(base.attrs === undefined ? {} : { attrs: [...base.attrs] }) };
  const words: string[] = [];
  for (const term of parseFilterText(text)) {
    const fail = (message: string): never => {
      throw new FilterSyntaxError(`column ${term.column}: ${JSON.stringify(term.source)}: ${message}`, term.column);
    };
    if (term.kind === 'text') {
      if (base.q !== undefined) fail('the search text is already given');
      words.push(term.value);
    } else if (term.kind === 'attr') (query.attrs ??= []).push({ key: term.key, value: term.value });
    else {
      const key = FILTER_FIELDS[term.field];
      if (query[key] !== undefined) fail(`${term.field}: is already given`);
      if (key === 'status') {
        if (!isTraceStatus(term.value)) fail(`status must be one of ${TRACE_STATUSES.join(', ')}`);
        else query.status = term.value;
      } else query[key] = term.value;
    }
  }
  if (words.length > 0) query.q = words.join(' ');
  return query;
}

/** A value as the filter text writes it: bare when it can be, else quoted with `\"` and `\\`. */
export function quoteFilterValue(value: string): string {
  return value !== '' && !/[\s"\\=:]/.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The filter text that `traceQueryFromText` reads back into the same filters (time and paging aside). */
export function traceQueryToText(query: TraceQuery): string {
  const parts: string[] = [];
  if (query.q !== undefined && query.q !== '') parts.push(quoteFilterValue(query.q));
  for (const [field, key] of Object.entries(FILTER_FIELDS)) {
    const value = query[key];
    if (value !== undefined) parts.push(`${field}:${quoteFilterValue(value)}`);
  }
  for (const { key, value } of query.attrs ?? []) parts.push(`${quoteFilterValue(key)}=${quoteFilterValue(value)}`);
  return parts.join(' ');
}
