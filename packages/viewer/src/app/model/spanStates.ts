import type { SpanState } from '@aitrace/forest';

/** The glyph the tree and the list show for a span state (the same ones `aitrace tree` prints). */
export const STATE_ICON: Readonly<Record<SpanState, string>> = { ok: '✓', error: '✗', running: '▶', cut_off: '✂' };

/** A span state in words. */
export const STATE_LABEL: Readonly<Record<SpanState, string>> = { ok: 'ok', error: 'error', running: 'running', cut_off: 'cut off' };
