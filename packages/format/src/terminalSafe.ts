// Characters a terminal acts on instead of showing: C0 controls but tab (ESC starts CSI and OSC sequences, BEL ends
// OSC, CR and LF forge lines), DEL, C1 controls (0x9b is an 8-bit CSI), the line and paragraph separators, and the
// bidirectional marks, embeddings, overrides and isolates that reorder what is shown.
const C0 = '\\u0000-\\u0008\\u000a-\\u001f';
const OTHERS = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${C0}${OTHERS}]`);
const UNSAFE_ALL = new RegExp(`[${C0}${OTHERS}]`, 'g');
// JSON.stringify already escapes every C0 control inside strings; the line breaks it adds between values stay.
const UNSAFE_IN_JSON_ALL = new RegExp(`[${OTHERS}]`, 'g');

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text from a trace made safe to print on a terminal: each control, separator and bidi character becomes a visible
 * `\uXXXX` (ESC is `\u001b`, a newline `\u000a`); tab and all other text stay. Returns `text` itself when nothing
 * needs replacing.
 */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeCharacter) : text;
}

/**
 * `JSON.stringify(value, null, space)` safe to print on a terminal: the characters `terminalSafe` replaces are
 * written as JSON `\uXXXX` escapes, so the text parses to the same value.
 */
export function terminalJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'null').replace(UNSAFE_IN_JSON_ALL, escapeCharacter);
}
