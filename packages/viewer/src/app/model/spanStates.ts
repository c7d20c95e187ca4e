import type { SpanNode, SpanState } from '@aitrace/forest';

/** The glyph the tree and the list show for a span state (the same ones `aitrace tree` prints). */
export const STATE_ICON: Readonly<Record<SpanState, string>> = { ok: '✓', error: '✗', running: '▶', cut_off: '✂' };

/** A span state in words. */
export const STATE_LABEL: Readonly<Record<SpanState, string>> = { ok: 'ok', error: 'error', running: 'running', cut_off: 'cut off' };

/** How a span's state and status show: an icon, words, and a class naming them (`ok`, `unset`, `error`...). */
export interface SpanStatusView {
  icon: string;
  label: string;
  /** The state, except that an ended span whose status was never set is `unset`, not `ok`. */
  kind: SpanState | 'unset';
}

/** The status of a span as it is: an ended span with status `unset` (or none) is shown as unset, not as ok. */
export function spanStatusView(node: Pick<SpanNode, 'state' | 'status'>): SpanStatusView {
  if (node.state === 'ok' && node.status !== 'ok') return { icon: '○', label: 'unset', kind: 'unset' };
  return { icon: STATE_ICON[node.state], label: STATE_LABEL[node.state], kind: node.state };
}
