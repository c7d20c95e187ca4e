import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, writersGone } from './writerLiveness.js';

describe('writersGone', () => {
  it('is false while a writer runs and true once every writer has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(isProcessAlive(pid)).toBe(true);
    expect(writersGone([pid])).toBe(false);
    child.kill();
    await once(child, 'exit');
    expect(writersGone([pid])).toBe(true);
    expect(writersGone([pid, process.pid])).toBe(false);
  });

  it('is false when no writer is known (nothing says they are gone)', () => {
    expect(writersGone([])).toBe(false);
  });
});
