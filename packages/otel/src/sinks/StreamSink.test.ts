import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamSink } from './StreamSink.js';

describe('StreamSink', () => {
  it('waits for drain when the stream pushes back, and loses nothing', async () => {
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        setTimeout(callback, 5);
      },
    });
    const sink = new StreamSink(slow);
    let drained = false;
    const pending = sink.write(`${'x'.repeat(100)}\n`).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(drained).toBe(false);
    await pending;
    await sink.write('{"b":2}\n');
    expect(received.join('')).toBe(`${'x'.repeat(100)}\n{"b":2}\n`);
  });

  it('rejects writes after the stream failed instead of throwing an error event into the app', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: broken pipe'));
      },
    });
    const sink = new StreamSink(broken);
    await expect(sink.write('{"a":1}\n')).rejects.toThrow('EPIPE');
    await expect(sink.write('{"a":2}\n')).rejects.toThrow();
  });
});
