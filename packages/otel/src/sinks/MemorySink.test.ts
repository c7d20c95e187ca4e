import { describe, expect, it } from 'vitest';
import { MemorySink } from './MemorySink.js';

describe('MemorySink', () => {
  it('returns the lines and parsed records written, in order, across chunks', async () => {
    const sink = new MemorySink();
    await sink.write(Buffer.from('{"a":1}\n{"a":2}\n'));
    sink.writeSync(Buffer.from('{"a":3}\n'));
    expect(sink.lines()).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
    expect(sink.records()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    sink.clear();
    expect(sink.lines()).toEqual([]);
  });

  it('fails writes after close, as a real destination does', async () => {
    const sink = new MemorySink();
    await sink.close();
    expect(() => sink.writeSync(Buffer.from('{"a":1}\n'))).toThrow('closed');
    expect(sink.records()).toEqual([]);
  });
});
