import { routeHash } from '../model/route.js';
import { h, replaceChildren } from './dom.js';

/**
 * Picking two traces in the trace list to compare: a checkbox per row and a bar that links to the comparison once
 * two are picked (the first picked is A). Picking a third drops the oldest pick.
 */
export class ComparePicker {
  /** The bar above the list (hidden while nothing is picked). */
  readonly element = h('div', { className: 'compare-bar', attrs: { role: 'status' } });
  private picked: string[] = [];
  private readonly boxes = new Map<string, HTMLInputElement>();

  constructor() {
    this.render();
  }

  /** The checkbox of one trace's row (rows drawn again get a new one, in the current state). */
  checkbox(traceId: string): HTMLElement {
    const box = h('input', {
      className: 'compare-pick',
      attrs: { type: 'checkbox', 'aria-label': `Pick trace ${traceId} to compare` },
      title: 'Pick to compare (two traces)',
    });
    box.checked = this.picked.includes(traceId);
    box.addEventListener('change', () => this.pick(traceId, box.checked));
    this.boxes.set(traceId, box);
    return box;
  }

  /** True for a click on a picker checkbox (which must not open the trace). */
  owns(target: EventTarget | null): boolean {
    return target instanceof Element && target.closest('.compare-pick') !== null;
  }

  private pick(traceId: string, on: boolean): void {
    this.picked = this.picked.filter((id) => id !== traceId);
    if (on) this.picked.push(traceId);
    while (this.picked.length > 2) {
      const dropped = this.picked.shift()!;
      const box = this.boxes.get(dropped);
      if (box !== undefined) box.checked = false;
    }
    this.render();
  }

  private render(): void {
    this.element.hidden = this.picked.length === 0;
    const clear = h('button', { className: 'compare-clear', attrs: { type: 'button' }, text: 'Clear' });
    clear.addEventListener('click', () => {
      for (const id of this.picked) {
        const box = this.boxes.get(id);
        if (box !== undefined) box.checked = false;
      }
      this.picked = [];
      this.render();
    });
    const [a, b] = this.picked;
    if (a === undefined) replaceChildren(this.element);
    else if (b === undefined) replaceChildren(this.element, h('span', { text: `A: ${a.slice(0, 8)} picked; pick one more trace to compare.` }), clear);
    else
      replaceChildren(
        this.element,
        h('a', {
          className: 'compare-link',
          attrs: { href: routeHash({ view: 'compare', traceIds: [a, b] }) },
          text: `Compare A ${a.slice(0, 8)} with B ${b.slice(0, 8)}`,
        }),
        clear,
      );
  }
}
