import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotationLockPath, withRotationLock } from './RotationLock.js';

const tracePath = (): string => join(mkdtempSync(join(tmpdir(), 'aitrace-lock-')), 'trace.jsonl');

describe('withRotationLock', () => {
  it('holds a lock file naming this process while the function runs, and removes it after', () => {
    const path = tracePath();
    const seen = withRotationLock(path, () => readFileSync(rotationLockPath(path), 'utf8'));
    expect(seen.startsWith(`${process.pid} ${hostname()} `)).toBe(true);
    expect(existsSync(rotationLockPath(path))).toBe(false);
  });

  it('breaks a lock left by a process that is gone, and one older than 10 s', () => {
    const path = tracePath();
    // Past the kernel's pid limit on every platform: no such process.
    writeFileSync(rotationLockPath(path), `2147483646 ${hostname()} token\n`);
    expect(withRotationLock(path, () => 'rotated')).toBe('rotated');
    writeFileSync(rotationLockPath(path), `${process.pid} ${hostname()} token\n`);
    const old = new Date(Date.now() - 20_000);
    utimesSync(rotationLockPath(path), old, old);
    expect(withRotationLock(path, () => 'rotated')).toBe('rotated');
  });

  it('waits for a live holder, then gives up with an error naming it, leaving its lock alone', () => {
    const path = tracePath();
    writeFileSync(rotationLockPath(path), `${process.pid} ${hostname()} token\n`);
    expect(() => withRotationLock(path, () => 'rotated', 50)).toThrow(`the rotation lock is held by pid ${process.pid} on ${hostname()}`);
    expect(readFileSync(rotationLockPath(path), 'utf8')).toBe(`${process.pid} ${hostname()} token\n`);
  });
});
