import { describe, expect, it } from 'vitest';
import { toLineDiagnostics } from './problemDiagnostics.js';

describe('toLineDiagnostics', () => {
  it('puts each problem on its 0-based editor line, worded like `aitrace validate`', () => {
    expect(
      toLineDiagnostics([
        { line: 1, message: 'invalid JSON: Unexpected end of JSON input', skipped: true },
        { line: 7, field: '__tracer_meta__.span_id', message: 'must be 16 lower-case hex digits, got "x"', skipped: false },
      ]),
    ).toEqual([
      { line: 0, message: 'invalid JSON: Unexpected end of JSON input', severity: 'error' },
      { line: 6, message: '__tracer_meta__.span_id: must be 16 lower-case hex digits, got "x"', severity: 'warning' },
    ]);
  });
});
