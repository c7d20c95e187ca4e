import { describe, expect, it } from 'vitest';
import { NdjsonBatcher } from './NdjsonBatcher.js';

function batches(chunks: string[], first = 2, later = 3): number[][] {
  const out: number[][] = [];
  const lasts: boolean[] = [];
  const batcher = new NdjsonBatcher<{ n: number }>(
    (values, last) => {
      out.push(values.map((value) => value.n));
      lasts.push(last);
    },
    first,
    later,
  );
  for (const chunk of chunks) batcher.push(chunk);
  batcher.end();
  // Only the batch the end hands on is the last one.
  expect(lasts).toEqual(out.map((_, i) => i === out.length - 1));
  return out;
}

describe('NdjsonBatcher', () => {
  it('parses lines split anywhere across chunks, in order, the last one without a newline too', () => {
    const text = Array.from({ length: 7 }, (_, n) => JSON.stringify({ n, pad: 'x'.repeat(n * 5) })).join('\n');
    for (let size = 1; size <= 12; size++) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      expect(batches(chunks, 100, 100).flat(), `chunks of ${size}`).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });

  it('hands on a first batch as soon as it is full, then bigger ones, then the rest at the end', () => {
    const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}\n`).join('');
    expect(batches([lines(0, 1), lines(1, 3), lines(3, 5), lines(5, 7), lines(7, 8)], 2, 3)).toEqual([[0, 1, 2], [3, 4, 5, 6], [7]]);
    // A text that ends on a full batch still ends with a (last, empty) batch.
    expect(batches([lines(0, 3)], 2, 3)).toEqual([[0, 1, 2], []]);
    // A small text is one batch.
    expect(batches([lines(0, 2)], 5, 5)).toEqual([[0, 1]]);
  });

  it('tells an empty text apart from one still arriving, and skips blank lines', () => {
    expect(batches([])).toEqual([[]]);
    expect(batches(['\n\n', '  \n'])).toEqual([[]]);
  });

  it('names the line that is not JSON', () => {
    expect(() => batches(['{"n":1}\n{"n":2}\n{oops\n'])).toThrow(/^line 3 is not JSON/);
  });
});
