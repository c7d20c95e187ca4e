/** How `VirtualRows` makes and fills row elements. */
export interface RowRenderer<T> {
  /** Builds an empty row element (called only for as many rows as fit the viewport, plus a margin). */
  create(): HTMLElement;
  /** Fills a row element with the item at `index`. */
  update(row: HTMLElement, item: T, index: number): void;
}

// Rows rendered above and below the viewport, so fast scrolling shows no gaps.
const OVERSCAN = 8;

/**
 * A list of fixed-height rows in a scrolling element that keeps only the visible window in the DOM: a trace of
 * 100,000 spans has a few dozen row elements, reused as it scrolls.
 */
export class VirtualRows<T> {
  private items: readonly T[] = [];
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private frame = 0;

  constructor(
    readonly viewport: HTMLElement,
    readonly rowHeight: number,
    private readonly renderer: RowRenderer<T>,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'virtual-spacer';
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  /** The items shown. */
  get length(): number {
    return this.items.length;
  }

  /** Replaces the items and redraws the visible window. */
  setItems(items: readonly T[]): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    this.render();
  }

  /** Redraws the visible rows (after their items changed in place, or time moved on). */
  refresh(): void {
    this.render();
  }

  /** How many rows fit the viewport. */
  pageSize(): number {
    return Math.max(1, Math.floor(this.viewport.clientHeight / this.rowHeight));
  }

  /** Scrolls as little as needed to show row `index`. */
  scrollToIndex(index: number): void {
    const top = index * this.rowHeight;
    const bottom = top + this.rowHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (bottom > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = bottom - this.viewport.clientHeight;
    this.render();
  }

  /** The row index at a point in the viewport's content (for clicks). */
  indexAt(offsetY: number): number {
    return Math.floor(offsetY / this.rowHeight);
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const height = this.viewport.clientHeight;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.items.length, Math.ceil((this.viewport.scrollTop + height) / this.rowHeight) + OVERSCAN);
    const count = Math.max(0, last - first);
    while (this.rows.length < count) {
      const row = this.renderer.create();
      this.rows.push(row);
      this.spacer.append(row);
    }
    while (this.rows.length > count) this.rows.pop()!.remove();
    for (let i = 0; i < count; i++) {
      const row = this.rows[i]!;
      const index = first + i;
      row.style.transform = `translateY(${index * this.rowHeight}px)`;
      row.dataset.index = String(index);
      this.renderer.update(row, this.items[index]!, index);
    }
  }
}
