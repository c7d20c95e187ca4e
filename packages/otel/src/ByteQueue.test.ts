import { describe, expect, it } from 'vitest';
import { ByteQueue } from './ByteQueue.js';

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('ByteQueue', () => {
  it('hands out queued lines as UTF-8, each ending in a newline, oldest first', () => {
    const queue = new ByteQueue();
    queue.push('{"a":1}');
    queue.push('{"s":"ü€😀"}');
    expect(queue.lines).toBe(2);
    const batch = queue.take();
    expect(batch.lines).toBe(2);
    expect(text(batch.chunks)).toBe('{"a":1}\n{"s":"ü€😀"}\n');
    expect(queue.lines).toBe(0);
    expect(queue.take().lines).toBe(0);
  });

  it('keeps bytes already taken intact while it fills the rest of the chunk', () => {
    const queue = new ByteQueue();
    queue.push('{"first":1}');
    const first = queue.take();
    for (let i = 0; i < 5000; i++) queue.push(`{"i":${i},"pad":"${'p'.repeat(40)}"}`);
    const second = queue.take();
    expect(text(first.chunks)).toBe('{"first":1}\n');
    const lines = text(second.chunks).split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[4999]).toBe(`{"i":4999,"pad":"${'p'.repeat(40)}"}`);
  });

  it('takes a line larger than a chunk whole', () => {
    const queue = new ByteQueue();
    const big = `{"big":"${'b'.repeat(200_000)}"}`;
    queue.push('{"before":true}');
    queue.push(big);
    queue.push('{"after":true}');
    expect(text(queue.take().chunks)).toBe(`{"before":true}\n${big}\n{"after":true}\n`);
  });

  it('puts a failed batch back in front, keeping only its newest lines when room is short', () => {
    const queue = new ByteQueue();
    for (const n of [1, 2, 3, 4]) queue.push(`{"n":${n}}`);
    const failed = queue.take();
    queue.push('{"n":5}');
    expect(queue.unshift(failed, 2)).toBe(2);
    expect(queue.lines).toBe(3);
    expect(text(queue.take().chunks)).toBe('{"n":3}\n{"n":4}\n{"n":5}\n');
    expect(queue.unshift(failed, 0)).toBe(0);
    // Across chunks: a batch of many 64 KiB chunks keeps exactly its newest lines.
    for (let i = 0; i < 3000; i++) queue.push(`{"i":${i},"pad":"${'p'.repeat(60)}"}`);
    const many = queue.take();
    expect(many.chunks.length).toBeGreaterThan(2);
    expect(queue.unshift(many, 1001)).toBe(1001);
    const kept = text(queue.take().chunks).split('\n');
    expect(kept).toHaveLength(1002);
    expect(kept[0]).toBe(`{"i":1999,"pad":"${'p'.repeat(60)}"}`);
    expect(queue.lines).toBe(0);
  });

  it('drops the lines a sink wrote before failing, within and across pieces, so only the rest is retried', () => {
    const queue = new ByteQueue();
    for (let i = 0; i < 3000; i++) queue.push(`{"i":${i},"pad":"${'p'.repeat(60)}"}`);
    const batch = queue.take();
    expect(batch.chunks.length).toBeGreaterThan(2);
    const all = text(batch.chunks);
    // Whole lines into the second piece.
    const cut = all.indexOf('{"i":1500,');
    expect(batch.dropWritten(cut)).toBe(1500);
    expect(batch.lines).toBe(1500);
    expect(batch.chunkLines.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(text(batch.chunks)).toBe(all.slice(cut));
    expect(batch.dropWritten(0)).toBe(0);
    expect(queue.unshift(batch, 10_000)).toBe(1500);
    expect(text(queue.take().chunks)).toBe(all.slice(cut));
  });

  it('reuses the memory of written chunks only after they were written', () => {
    const queue = new ByteQueue();
    const line = `{"pad":"${'p'.repeat(1000)}"}`;
    for (let i = 0; i < 200; i++) queue.push(line);
    const first = queue.take();
    const firstText = text(first.chunks);
    // Not yet released: new lines never land in the first batch's memory.
    for (let i = 0; i < 200; i++) queue.push(line.replace('p', 'q'));
    expect(text(first.chunks)).toBe(firstText);
    first.release();
    const second = queue.take();
    second.release();
    for (let i = 0; i < 200; i++) queue.push(line.replace('p', 'r'));
    const third = queue.take();
    const reused = third.chunks.some((chunk) => first.chunks.some((old) => old.buffer === chunk.buffer && old.byteOffset === chunk.byteOffset));
    expect(reused).toBe(true);
    expect(
      text(third.chunks)
        .split('\n')
        .filter((l) => l !== '')
        .every((l) => l === line.replace('p', 'r')),
    ).toBe(true);
  });

  it('reuses a chunk only when every batch holding a piece of it is released, in any order', () => {
    const queue = new ByteQueue();
    const line = (c: string): string => `{"pad":"${c.repeat(1000)}"}`;
    // The first batch takes the start of a chunk that stays open; the second finishes it.
    for (let i = 0; i < 10; i++) queue.push(line('a'));
    const inFlight = queue.take();
    const inFlightText = text(inFlight.chunks);
    for (let i = 0; i < 100; i++) queue.push(line('b'));
    const written = queue.take();
    // Released first (an exit flush written while the first batch is still being written): nothing is reused yet.
    written.release();
    written.release();
    for (let i = 0; i < 300; i++) queue.push(line('c'));
    queue.take().release();
    expect(text(inFlight.chunks)).toBe(inFlightText);
    inFlight.release();
    for (let i = 0; i < 300; i++) queue.push(line('d'));
    const later = queue.take();
    expect(later.chunks.some((chunk) => chunk.buffer === inFlight.chunks[0]!.buffer)).toBe(true);
  });
});
