import { describe, expect, it } from 'vitest';
import { TRACE_KEYS, traceKeyAction, type KeyPress } from './traceKeys.js';

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  inTree: true,
  inTextField: false,
  ...more,
});

describe('the trace view key map', () => {
  it('maps each navigation key to its action in the span tree', () => {
    expect(
      ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', 'ArrowRight', 'ArrowLeft', 'Enter', ' ', 'Escape', 'e', 'E', 'c'].map((key) =>
        traceKeyAction(press(key)),
      ),
    ).toEqual([
      'next',
      'previous',
      'pageDown',
      'pageUp',
      'first',
      'last',
      'expandOrNext',
      'collapseOrParent',
      'openDetail',
      'toggle',
      'closeOrBack',
      'nextError',
      'previousError',
      'criticalPath',
    ]);
  });

  it('leaves arrows, Enter and Space alone outside the tree, but keeps Escape and the error keys', () => {
    const outside = { inTree: false };
    expect(traceKeyAction(press('ArrowDown', outside))).toBeUndefined();
    expect(traceKeyAction(press('Enter', outside))).toBeUndefined();
    expect(traceKeyAction(press(' ', outside))).toBeUndefined();
    expect(traceKeyAction(press('Escape', outside))).toBe('closeOrBack');
    expect(traceKeyAction(press('e', outside))).toBe('nextError');
    expect(traceKeyAction(press('E', outside))).toBe('previousError');
  });

  it('never takes a key typed in a text field or pressed with a modifier', () => {
    expect(traceKeyAction(press('e', { inTextField: true }))).toBeUndefined();
    expect(traceKeyAction(press('Escape', { inTextField: true }))).toBeUndefined();
    expect(traceKeyAction(press('ArrowDown', { ctrlKey: true }))).toBeUndefined();
    expect(traceKeyAction(press('e', { metaKey: true }))).toBeUndefined();
    expect(traceKeyAction(press('End', { altKey: true }))).toBeUndefined();
  });

  it('ignores keys it has no binding for, and binds each key once', () => {
    expect(traceKeyAction(press('x'))).toBeUndefined();
    expect(traceKeyAction(press('arrowdown'))).toBeUndefined();
    const keys = TRACE_KEYS.map((binding) => binding.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(TRACE_KEYS.every((binding) => binding.help !== '')).toBe(true);
  });
});
