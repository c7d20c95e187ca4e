import { terminalSafe } from '@aitrace/format';

/** A long text cut for a first look: the part shown, and whether anything was left out. */
export interface FoldedText {
  /** The beginning of the text (all of it when it is short). */
  head: string;
  /** True when `head` is not the whole text. */
  folded: boolean;
  /** The whole text's length in characters. */
  length: number;
}

/** Texts up to this many characters and lines are shown whole. */
export const FOLD_CHARS = 600;
/** See FOLD_CHARS. */
export const FOLD_LINES = 10;

/** The first `FOLD_LINES` lines and at most `FOLD_CHARS` characters of a text, or all of it when it fits. */
export function foldText(text: string, maxChars = FOLD_CHARS, maxLines = FOLD_LINES): FoldedText {
  let end = Math.min(text.length, maxChars);
  let at = -1;
  for (let line = 0; line < maxLines; line++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1 || at >= end) break;
    if (line === maxLines - 1) end = at;
  }
  return { head: text.slice(0, end), folded: end < text.length, length: text.length };
}

/**
 * Text from a trace as the page shows it: line breaks and tabs stay, every other control, separator and bidi
 * character becomes a visible `\uXXXX` (the same characters `aitrace tree` escapes on a terminal).
 */
export function visibleText(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
