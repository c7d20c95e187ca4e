import { InputError } from './InputError.js';

/** Default answer size: about 4,000 tokens' worth of text. */
export const DEFAULT_MAX_CHARS = 16_000;
/** Smallest budget a call may ask for: room for a few lines and the note on how to get the rest. */
export const MIN_MAX_CHARS = 1500;
/** Largest budget a call may ask for. */
export const MAX_MAX_CHARS = 200_000;
// Kept free for the note that says how to get the rest and the one on reading problems.
const NOTE_ROOM = 700;

/** One page of a list: the items that fit, their text lines, and where the next page starts. */
export interface Page<T> {
  items: T[];
  lines: string[];
  /** The cursor for the next page; undefined when this page ends the list. */
  nextCursor: number | undefined;
  total: number;
}

/**
 * Takes whole items from `cursor` on while their text line (plus, with `json`, the item's JSON, since structured
 * content goes to the agent too) fits in `maxChars`. The first item is always taken, its line cut to fit if need be.
 */
export function pageItems<T>(items: readonly T[], line: (item: T) => string, maxChars: number, cursor: number, json = false): Page<T> {
  if (cursor > items.length) throw new InputError(`cursor ${cursor} is past the end (${items.length} items)`);
  const budget = maxChars - NOTE_ROOM;
  const page: Page<T> = { items: [], lines: [], nextCursor: undefined, total: items.length };
  let used = 0;
  for (let index = cursor; index < items.length; index++) {
    const item = items[index]!;
    let text = line(item);
    const cost = text.length + 1 + (json ? JSON.stringify(item).length + 1 : 0);
    if (used + cost > budget) {
      if (page.items.length > 0) {
        page.nextCursor = index;
        break;
      }
      // One item larger than the whole budget: its line is cut, so the answer still moves on.
      text = `${text.slice(0, Math.max(0, budget - 40))}… (line cut at max_chars)`;
    }
    used += cost;
    page.items.push(item);
    page.lines.push(text);
  }
  return page;
}

/** The note that ends a cut answer: how many items are left and how to get them. */
export function moreNote(page: Page<unknown>, what: string, narrower: string): string {
  if (page.nextCursor === undefined) return '';
  const left = page.total - page.nextCursor;
  return `… ${left.toLocaleString('en-US')} more ${what} (of ${page.total.toLocaleString('en-US')}) not shown: call again with cursor=${page.nextCursor} for the next page, raise max_chars, or ${narrower}.`;
}
