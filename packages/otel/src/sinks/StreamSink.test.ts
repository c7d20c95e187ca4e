import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { StreamSink } from './StreamSink.js';

describe('StreamSink', () => {
  it('waits for drain when the stream pushes back, and loses nothing', async () => {
    const received: string[] = [];
    const held: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        held.push(() => callback());
      },
    });
    const sink = new StreamSink(slow);
    let drained = false;
    const pending = sink.write(Buffer.from(`${'x'.repeat(100)}\n`)).then(() => (drained = true));
    // The stream holds the chunk without calling back: the write must still be waiting for drain.
    await vi.waitFor(() => expect(held).toHaveLength(1));
    expect(drained).toBe(false);
    for (const release of held.splice(0)) release();
    await pending;
    expect(drained).toBe(true);
    const next = sink.write(Buffer.from('{"b":2}\n'));
    await vi.waitFor(() => expect(held).toHaveLength(1));
    for (const release of held.splice(0)) release();
    await next;
    expect(received.join('')).toBe(`${'x'.repeat(100)}\n{"b":2}\n`);
  });

  it('rejects writes after the stream failed instead of throwing an error event into the app', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: broken pipe'));
      },
    });
    const sink = new StreamSink(broken);
    await expect(sink.write(Buffer.from('{"a":1}\n'))).rejects.toThrow('EPIPE');
    await expect(sink.write(Buffer.from('{"a":2}\n'))).rejects.toThrow();
  });
});
