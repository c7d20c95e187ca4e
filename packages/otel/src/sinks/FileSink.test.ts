import { existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { rotatedPath } from '@aitrace/format';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordWriter } from '../RecordWriter.js';
import { FileSink } from './FileSink.js';
import { RotatingFileSink } from './RotatingFileSink.js';
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
    const rotating = new RotatingFileSink(new FileSink(join(dir, 'rotating.jsonl')), { maxFileSize: 1000, maxFiles: 10 });
    await rotating.writev(chunks);
    rotating.closeSync();
    expect(readFileSync(join(dir, 'rotating.jsonl'), 'utf8').startsWith('{"n":')).toBe(true);
    expect(readFileSync(join(dir, 'rotating.1.jsonl'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('rotates at a line boundary and keeps at most maxFiles old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    const sink = new RotatingFileSink(new FileSink(path), { maxFileSize: 20, maxFiles: 2 });
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
    const sink = new RotatingFileSink(new FileSink(path), { maxFileSize: 10 });
    const long = `{"long":"${'y'.repeat(50)}"}\n`;
    sink.writeSync(Buffer.from(long));
    sink.writeSync(Buffer.from('{"n":1}\n'));
    sink.closeSync();
    expect(readFileSync(rotatedPath(path, 1), 'utf8')).toBe(long);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
  });

  it("starts a new file at the path on reopen(), and refuses the rotation options, which are the wrapper's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    const sink = new FileSink(path);
    await sink.write(Buffer.from('{"n":1}\n'));
    renameSync(path, join(dir, 'old.jsonl'));
    sink.reopen();
    sink.writeSync(Buffer.from('{"n":2}\n'));
    await sink.close();
    expect(readFileSync(join(dir, 'old.jsonl'), 'utf8')).toBe('{"n":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"n":2}\n');
    expect(() => new FileSink(path, { maxFileSize: 10 } as never)).toThrow('maxFileSize is an option of RotatingFileSink');
  });

  it('expands path templates and names an unknown placeholder', () => {
    const when = new Date('2025-10-26T12:34:15Z');
    expect(resolvePathTemplate('traces/{date}/{time}-{pid}.jsonl', when)).toBe(`traces/2025-10-26/123415-${process.pid}.jsonl`);
    expect(() => resolvePathTemplate('t-{user}.jsonl')).toThrow(/unknown placeholder \{user\}/);
  });
});

describe('FileSink when the file is removed or moved away under it', () => {
  it('looks at the path once a second by its clock, then reopens it and keeps writing where people will look', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-filesink-'));
    const path = join(dir, 'trace.jsonl');
    let now = 1_000_000;
    const sink = new FileSink(path, { now: () => now });
    await sink.write(Buffer.from('{"n":1}\n'));
    renameSync(path, join(dir, 'moved.jsonl'));
    now += 999;
    await sink.write(Buffer.from('{"n":2}\n'));
    expect(existsSync(path)).toBe(false);
    now += 1;
    await sink.write(Buffer.from('{"n":3}\n'));
    expect(readFileSync(join(dir, 'moved.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"n":3}\n');
    // Deleted: a synchronous write goes to the unlinked file until the next look, then to a new one.
    unlinkSync(path);
    now += 500;
    sink.writeSync(Buffer.from('{"n":4}\n'));
    expect(existsSync(path)).toBe(false);
    now += 500;
    sink.writeSync(Buffer.from('{"n":5}\n'));
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":5}\n');
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
      let now = 1_000_000;
      const writer = new RecordWriter(new FileSink(path, { now: () => now }), { flushIntervalMs: 10, flushOnExit: false });
      writer.write('{"n":0}');
      await writer.flush();
      if (how === 'renamed') renameSync(path, join(dir, 'moved.jsonl'));
      else unlinkSync(path);
      symlinkSync(target, path);
      // The writer looks at the path once a second: a second later it reports the link.
      now += 1000;
      writer.write('{"n":1}');
      await vi.waitFor(() => expect(errors.map((error) => error.message)).toEqual([expect.stringContaining(`${path} is a symbolic link`)]));
      writer.write('{"n":2}');
      expect(readFileSync(target, 'utf8')).toBe('precious\n');
      // The lines wait in the queue, retried every interval; once the link is removed they go to a new file at the path.
      unlinkSync(path);
      await vi.waitFor(() => expect(existsSync(path)).toBe(true));
      await writer.close();
      expect(readFileSync(target, 'utf8')).toBe('precious\n');
      expect(lstatSync(path).isFile()).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
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
