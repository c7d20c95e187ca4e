import { basename, dirname, extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotatedPath } from './rotatedPath.js';

describe('rotatedPath', () => {
  it('numbers the file before its extension, as node:path would split it', () => {
    expect(rotatedPath('/var/log/trace.jsonl', 1)).toBe('/var/log/trace.1.jsonl');
    expect(rotatedPath('C:\\logs\\trace.jsonl', 3)).toBe('C:\\logs\\trace.3.jsonl');
    for (const path of [
      '/a/trace.jsonl',
      '/a/b.c/trace',
      '/a/.hidden',
      '/a/..',
      '/a/x.',
      '/a/x.tar.gz',
      'rel/trace.jsonl',
      '/a/...b',
      '/a/...',
      '/a/..b',
      '/a/trace.1.jsonl',
    ]) {
      const ext = extname(path);
      expect(rotatedPath(path, 7), path).toBe(join(dirname(path), `${basename(path, ext)}.7${ext}`));
    }
  });
});
