import { FilterSyntaxError, traceQueryFromText, traceQueryToText, type Facets } from '@aitrace/forest';
import { formatAttrFilterText, parseAttrFilterText } from '../model/attrFilterText.js';
import type { TimeRange } from '../model/timeRange.js';
import { isStatusFilter, type AttrFilter, type TraceQuery } from '../model/traceQuery.js';
import { h } from './dom.js';
import { FacetSelect } from './FacetSelect.js';
import { TimeRangePicker } from './TimeRangePicker.js';

/** Text input of a filter form. */
export function filterInput(name: string, placeholder: string, value: string | undefined, label: string): HTMLInputElement {
  const element = h('input', {
    className: `filter-${name}`,
    attrs: { name, type: name === 'q' ? 'search' : 'text', placeholder, 'aria-label': label, autocomplete: 'off', spellcheck: 'false' },
  });
  element.value = value ?? '';
  return element;
}

/** Trimmed text of an input, undefined when empty. */
export const inputText = (field: HTMLInputElement): string | undefined => (field.value.trim() === '' ? undefined : field.value.trim());

/**
 * The trace-query filters, as the trace list and the live stream share them: search text (which also takes forest's
 * filter text: `status:error model:x key=value`), service, span name,
 * status, GenAI model and conversation as dropdown facets with counts, `key=value` attributes, and the time range.
 */
export class TraceFilterForm {
  readonly element: HTMLFormElement;
  readonly range: TimeRangePicker;
  private readonly q: HTMLInputElement;
  private readonly service = new FacetSelect('service', 'any service', 'Service');
  private readonly name = new FacetSelect('name', 'any span name', 'Span name');
  private readonly status: FacetSelect;
  private readonly model = new FacetSelect('model', 'any model', 'GenAI model');
  private readonly conversation = new FacetSelect('conversation', 'any conversation', 'Conversation (gen_ai.conversation.id)');
  private readonly attrs: HTMLInputElement;

  /** `onSubmit` gets the query and range, or the first mistake in the attribute filters. */
  constructor(query: TraceQuery, range: TimeRange, live: boolean, onSubmit: (result: { query: TraceQuery; range: TimeRange } | { error: string }) => void) {
    const statusText: Record<string, string> = { error: 'with errors', running: live ? 'running' : 'not ended', ok: 'ok' };
    this.status = new FacetSelect('status', 'any status', 'Status', (value) => statusText[value] ?? value);
    this.q = filterInput('q', 'Search text, or terms: status:error model:… key=value  ( / )', undefined, 'Search text and filter terms');
    this.attrs = filterInput('attrs', 'key=value …', formatAttrFilterText(query.attrs ?? []), 'Attributes (key=value, space separated)');
    const submit = (): void => {
      const attrs = parseAttrFilterText(this.attrs.value);
      if (!attrs.ok) {
        this.attrs.focus();
        onSubmit({ error: attrs.error });
        return;
      }
      let query: TraceQuery;
      try {
        // The search box takes the filter text syntax; its terms add to the other fields.
        query = traceQueryFromText(this.q.value, this.query(attrs.filters));
      } catch (error) {
        if (!(error instanceof FilterSyntaxError)) throw error;
        this.q.focus();
        onSubmit({ error: error.message });
        return;
      }
      onSubmit({ query, range: this.range.value() });
    };
    this.range = new TimeRangePicker(range, submit);
    this.set(query, range);
    const clear = h('button', { attrs: { type: 'button' }, text: 'Clear' });
    clear.addEventListener('click', () => {
      this.set({ attrs: [] }, { kind: 'all' });
      submit();
    });
    this.element = h(
      'form',
      { className: 'filters', attrs: { role: 'search' } },
      this.q,
      this.service.element,
      this.name.element,
      this.status.element,
      this.model.element,
      this.conversation.element,
      this.attrs,
      this.range.element,
      h('button', { attrs: { type: 'submit' }, text: 'Search' }),
      clear,
    );
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    for (const select of [this.service, this.name, this.status, this.model, this.conversation]) select.element.addEventListener('change', submit);
  }

  /** Shows a query and range (the URL changed). */
  set(query: TraceQuery, range: TimeRange): void {
    this.q.value = query.q === undefined ? '' : traceQueryToText({ q: query.q });
    this.service.value = query.service;
    this.name.value = query.name;
    this.status.value = query.status;
    this.model.value = query.model;
    this.conversation.value = query.conversation;
    this.showGenAi();
    this.attrs.value = formatAttrFilterText(query.attrs ?? []);
    this.range.set(range);
  }

  /** Shows facet counts in the dropdowns. */
  setFacets(facets: Facets): void {
    this.service.setCounts(facets.service);
    this.name.setCounts(facets.name);
    this.status.setCounts(facets.status);
    this.model.setCounts(facets.model);
    this.conversation.setCounts(facets.conversation);
    this.showGenAi();
  }

  // The GenAI dropdowns show only when some trace has a model or conversation (or one is chosen).
  private showGenAi(): void {
    this.model.element.hidden = this.model.empty;
    this.conversation.element.hidden = this.conversation.empty;
  }

  /** Puts keyboard focus on the search box. */
  focus(): void {
    this.q.focus();
  }

  private query(attrs: AttrFilter[]): TraceQuery {
    const query: TraceQuery = { attrs };
    if (this.service.value !== undefined) query.service = this.service.value;
    if (this.name.value !== undefined) query.name = this.name.value;
    const status = this.status.value;
    if (status !== undefined && isStatusFilter(status)) query.status = status;
    if (this.model.value !== undefined) query.model = this.model.value;
    if (this.conversation.value !== undefined) query.conversation = this.conversation.value;
    return query;
  }
}
