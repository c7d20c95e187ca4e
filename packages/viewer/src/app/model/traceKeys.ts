/** What a key does in the trace view. */
export type TraceKeyAction =
  | 'next'
  | 'previous'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  | 'expandOrNext'
  | 'collapseOrParent'
  | 'openDetail'
  | 'toggle'
  | 'closeOrBack'
  | 'nextError'
  | 'previousError'
  | 'criticalPath';

/** One entry of the key map: the key (`KeyboardEvent.key`), its action, and whether it works outside the span tree. */
export interface TraceKeyBinding {
  key: string;
  action: TraceKeyAction;
  /** Also handled when the focus is in the detail panel or on a button, not only in the span tree. */
  anywhere: boolean;
  /** What the key does, for the key help. */
  help: string;
}

/** The trace view's keys, in the order the help lists them. */
export const TRACE_KEYS: readonly TraceKeyBinding[] = [
  { key: 'ArrowDown', action: 'next', anywhere: false, help: 'next span' },
  { key: 'ArrowUp', action: 'previous', anywhere: false, help: 'previous span' },
  { key: 'PageDown', action: 'pageDown', anywhere: false, help: 'a page down' },
  { key: 'PageUp', action: 'pageUp', anywhere: false, help: 'a page up' },
  { key: 'Home', action: 'first', anywhere: false, help: 'first span' },
  { key: 'End', action: 'last', anywhere: false, help: 'last span' },
  { key: 'ArrowRight', action: 'expandOrNext', anywhere: false, help: 'expand, or go to the first child' },
  { key: 'ArrowLeft', action: 'collapseOrParent', anywhere: false, help: 'collapse, or go to the parent' },
  { key: 'Enter', action: 'openDetail', anywhere: false, help: 'show the details' },
  { key: ' ', action: 'toggle', anywhere: false, help: 'expand or collapse' },
  { key: 'Escape', action: 'closeOrBack', anywhere: true, help: 'close the details, then back to the list' },
  { key: 'e', action: 'nextError', anywhere: true, help: 'next failed span' },
  { key: 'E', action: 'previousError', anywhere: true, help: 'previous failed span' },
  { key: 'c', action: 'criticalPath', anywhere: true, help: 'highlight the critical path, or stop' },
];

const BY_KEY = new Map(TRACE_KEYS.map((binding) => [binding.key, binding]));

/** Where a key was pressed and with which modifiers. */
export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** The focus is in the span tree. */
  inTree: boolean;
  /** The focus is in a text field (whose keys are never taken). */
  inTextField: boolean;
}

/** The action of a key press, or undefined when the key keeps its usual meaning. */
export function traceKeyAction(press: KeyPress): TraceKeyAction | undefined {
  if (press.altKey || press.ctrlKey || press.metaKey || press.inTextField) return undefined;
  const binding = BY_KEY.get(press.key);
  if (binding === undefined) return undefined;
  return press.inTree || binding.anywhere ? binding.action : undefined;
}
