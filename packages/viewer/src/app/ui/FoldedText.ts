import { foldText, visibleText } from '../model/foldText.js';
import { formatCount } from '@aitrace/forest';
import { h } from './dom.js';

/**
 * A text block that shows the beginning of a long text with its length, and all of it on request. The text goes
 * in as text (never markup), with control characters made visible.
 */
export function foldedText(text: string, className: string): HTMLElement {
  const shown = visibleText(text);
  const folded = foldText(shown);
  const pre = h('pre', { className: `folded-text ${className}`, text: folded.folded ? `${folded.head}…` : shown });
  if (!folded.folded) return h('div', { className: 'folded' }, pre);
  const more = `Show all ${formatCount(text.length)} characters`;
  const button = h('button', { className: 'fold-toggle', attrs: { type: 'button', 'aria-expanded': 'false' }, text: more });
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    pre.textContent = open ? shown : `${folded.head}…`;
    button.textContent = open ? 'Show less' : more;
    button.setAttribute('aria-expanded', String(open));
  });
  return h('div', { className: 'folded is-long' }, pre, h('span', { className: 'fold-length muted', text: `${formatCount(text.length)} characters` }), button);
}
