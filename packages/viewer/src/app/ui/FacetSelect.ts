import type { FacetValue } from '@aitrace/forest';
import { h } from './dom.js';

/**
 * A dropdown filter whose options are a facet's values with their counts (`api (12)`); the value chosen is kept
 * as an option even when no item has it any more.
 */
export class FacetSelect {
  readonly element: HTMLSelectElement;
  private counts: readonly FacetValue[] = [];

  constructor(
    name: string,
    private readonly anyText: string,
    label: string,
    private readonly optionText: (value: string) => string = (value) => value,
  ) {
    this.element = h('select', { className: `filter-${name} facet`, attrs: { name, 'aria-label': label } });
    this.setCounts([]);
  }

  /** The value chosen, or undefined for any. */
  get value(): string | undefined {
    return this.element.value === '' ? undefined : this.element.value;
  }

  /** Chooses a value (undefined: any), adding it as an option if the facet does not list it. */
  set value(value: string | undefined) {
    this.render(value);
  }

  /** Replaces the listed values and counts, keeping the choice. */
  setCounts(counts: readonly FacetValue[]): void {
    this.counts = counts;
    this.render(this.value);
  }

  /** Whether the facet lists no value and none is chosen (a dropdown that can be hidden). */
  get empty(): boolean {
    return this.counts.length === 0 && this.value === undefined;
  }

  private render(chosen: string | undefined): void {
    const options = [h('option', { attrs: { value: '' }, text: this.anyText })];
    const listed = new Set<string>();
    for (const { value, count } of this.counts) {
      listed.add(value);
      options.push(h('option', { attrs: { value }, text: `${this.optionText(value)} (${count})` }));
    }
    if (chosen !== undefined && !listed.has(chosen)) options.push(h('option', { attrs: { value: chosen }, text: `${this.optionText(chosen)} (0)` }));
    this.element.replaceChildren(...options);
    this.element.value = chosen ?? '';
  }
}
