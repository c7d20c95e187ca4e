/** How an attribute value is shown: a single line, or a block (pretty-printed JSON, multi-line text). */
export interface ValueText {
  text: string;
  block: boolean;
}

/**
 * Text for an attribute value: strings as they are, numbers, booleans and null as JSON, objects and arrays
 * (tagged values included) pretty-printed as JSON with two-space indentation.
 */
export function valueText(value: unknown): ValueText {
  if (typeof value === 'string') return { text: value, block: value.includes('\n') };
  if (value === undefined) return { text: 'undefined', block: false };
  if (value === null || typeof value !== 'object') return { text: String(value), block: false };
  const text = JSON.stringify(value, null, 2);
  return { text, block: text.includes('\n') };
}
