import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotatedPath } from '@aitrace/format';
import { FileSink } from './FileSink.js';
import { resolvePathTemplate } from './pathTemplate.js';

describe('FileSink', () => {
  it('creates missing directories and appends to an existing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'deep', 'er', 'trace.jsonl');
    const first = new FileSink(path);
    await first.write(Buffer.from('{"a":1}\n'));
    await first.close();
    const second = new FileSink(path);
    second.writeSync(Buffer.from('{"a":2}\n'));
    await second.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
  });

  it('writes many chunks in order with one writev, and joins them when it must rotate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-sink-'));
    const chunks = Array.from({ length: 300 }, (_, i) => Buffer.from(`{"n":${i}}\n`));
    const plain = new FileSink(join(dir, 'plain.jsonl'));
    await plain.writev(chunks);
    plain.closeSync();
    const expected = chunks.map((chunk) => chunk.toString()).join('');
    expect(readFileSync(join(dir, 'plain.jsonl'), 'utf8')).toBe(expected);
    const rotating = new FileSink(join(dir, 'rotating.jsonl'), { maxFileSize: 1000, maxFiles: 10 });
    await rotating.writev(chunks);
    rotating.closeSync();
    expect(readFileSync(join(dir, 'rotating.jsonl'), 'utf8').startsWith('{"n":')).toBe(true);
    expect(readFileSync(join(dir, 'rotating.1.jsonl'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('rotates at a line boundary and keeps at most maxFiles old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    const sink = new FileSink(path, { maxFileSize: 20, maxFiles: 2 });
    await sink.write(Buffer.from('{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n'));
    await sink.write(Buffer.from('{"n":5}\n'));
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":5}\n');
    expect(readFileSync(rotatedPath(path, 1), 'utf8')).toBe('{"n":3}\n{"n":4}\n');
    expect(readFileSync(rotatedPath(path, 2), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('never splits a line longer than the limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    const sink = new FileSink(path, { maxFileSize: 10 });
    const long = `{"long":"${'y'.repeat(50)}"}\n`;
    sink.writeSync(Buffer.from(long));
    sink.writeSync(Buffer.from('{"n":1}\n'));
    sink.closeSync();
    expect(readFileSync(rotatedPath(path, 1), 'utf8')).toBe(long);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
  });

  it('expands path templates and names an unknown placeholder', () => {
    const when = new Date('2025-10-26T12:34:15Z');
    expect(resolvePathTemplate('traces/{date}/{time}-{pid}.jsonl', when)).toBe(`traces/2025-10-26/123415-${process.pid}.jsonl`);
    expect(() => resolvePathTemplate('t-{user}.jsonl')).toThrow(/unknown placeholder \{user\}/);
  });
});

describe('FileSink when the file is removed or moved away under it', () => {
  it('reopens the path and keeps writing where people will look', async () => {
    const { renameSync, unlinkSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    const sink = new FileSink(path);
    await sink.write(Buffer.from('{"n":1}\n'));
    renameSync(path, join(dir, 'moved.jsonl'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sink.write(Buffer.from('{"n":2}\n'));
    expect(readFileSync(path, 'utf8')).toBe('{"n":2}\n');
    expect(readFileSync(join(dir, 'moved.jsonl'), 'utf8')).toBe('{"n":1}\n');
    unlinkSync(path);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    sink.writeSync(Buffer.from('{"n":3}\n'));
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":3}\n');
  });
});
