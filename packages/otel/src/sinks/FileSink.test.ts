import { existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { rotatedPath } from '@aitrace/format';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordWriter } from '../RecordWriter.js';
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

describe('FileSink when a symbolic link is put in place of its file', () => {
  afterEach(() => setGlobalErrorHandler(loggingErrorHandler()));

  for (const how of ['renamed', 'deleted'] as const) {
    it(`never writes to the link's target, reports an error naming the path, and resumes when the link is gone (file ${how})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aitrace-symlink-'));
      const path = join(dir, 'trace.jsonl');
      const target = join(dir, 'elsewhere.txt');
      writeFileSync(target, 'precious\n');
      const errors: Error[] = [];
      setGlobalErrorHandler((error) => errors.push(error as Error));
      const writer = new RecordWriter(new FileSink(path), { flushIntervalMs: 10, flushOnExit: false });
      writer.write('{"n":0}');
      await writer.flush();
      if (how === 'renamed') renameSync(path, join(dir, 'moved.jsonl'));
      else unlinkSync(path);
      symlinkSync(target, path);
      // The writer looks at the path at most once a second: write until it reports the link.
      const deadline = Date.now() + 5000;
      for (let n = 1; errors.length === 0 && Date.now() < deadline; n++) {
        writer.write(`{"n":${n}}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(errors.map((error) => error.message)).toEqual([expect.stringContaining(`${path} is a symbolic link`)]);
      expect(readFileSync(target, 'utf8')).toBe('precious\n');
      // The lines wait in the queue; once the link is removed they go to a new file at the path.
      unlinkSync(path);
      const until = Date.now() + 5000;
      while (!existsSync(path) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      await writer.close();
      expect(readFileSync(target, 'utf8')).toBe('precious\n');
      expect(lstatSync(path).isFile()).toBe(true);
      const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      expect(writer.getStats()).toMatchObject({ dropped: 0, queued: 0 });
    });
  }

  it('refuses a symbolic link at the path when it opens, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-symlink-'));
    const path = join(dir, 'trace.jsonl');
    writeFileSync(join(dir, 'target.txt'), '');
    symlinkSync(join(dir, 'target.txt'), path);
    expect(() => new FileSink(path)).toThrow(`${path} is a symbolic link`);
  });
});
