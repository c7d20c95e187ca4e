import { describe, expect, it } from 'vitest';
import { valueText } from './valueText.js';

describe('valueText', () => {
  it('shows strings as they are and scalars as JSON', () => {
    expect(valueText('<img src=x onerror=alert(1)>')).toEqual({ text: '<img src=x onerror=alert(1)>', block: false });
    expect(valueText('two\nlines')).toEqual({ text: 'two\nlines', block: true });
    expect(valueText(42)).toEqual({ text: '42', block: false });
    expect(valueText(false)).toEqual({ text: 'false', block: false });
    expect(valueText(null)).toEqual({ text: 'null', block: false });
  });

  it('pretty-prints nested values, tagged values included', () => {
    expect(valueText({ a: [1, { b: true }] })).toEqual({ text: '{\n  "a": [\n    1,\n    {\n      "b": true\n    }\n  ]\n}', block: true });
    expect(valueText({ $type: 'bigint', value: '12345678901234567890' }).text).toContain('"$type": "bigint"');
    expect(valueText([])).toEqual({ text: '[]', block: false });
  });
});
