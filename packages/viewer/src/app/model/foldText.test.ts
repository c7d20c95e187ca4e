import { describe, expect, it } from 'vitest';
import { foldText, visibleText } from './foldText.js';

describe('foldText', () => {
  it('keeps a short text whole', () => {
    expect(foldText('hello\nworld')).toEqual({ head: 'hello\nworld', folded: false, length: 11 });
    expect(foldText('')).toEqual({ head: '', folded: false, length: 0 });
  });

  it('cuts a long line at the character limit and says how long the whole is', () => {
    const text = 'x'.repeat(2500);
    expect(foldText(text)).toEqual({ head: 'x'.repeat(600), folded: true, length: 2500 });
    expect(foldText(text, 10).head).toBe('x'.repeat(10));
  });

  it('cuts many short lines after the line limit', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const folded = foldText(text, 600, 3);
    expect(folded.head).toBe('line 0\nline 1\nline 2');
    expect(folded).toMatchObject({ folded: true, length: text.length });
    expect(foldText('a\nb\nc', 600, 3)).toMatchObject({ head: 'a\nb\nc', folded: false });
  });
});

describe('visibleText', () => {
  it('keeps line breaks and tabs but shows other controls and bidi overrides as escapes', () => {
    expect(visibleText('a\n\tb')).toBe('a\n\tb');
    expect(visibleText('\u001b[31mred\u0007 \u202eevil\r')).toBe('\\u001b[31mred\\u0007 \\u202eevil\\u000d');
    expect(visibleText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
});
