import { statSync } from 'node:fs';

const MIN_BYTES = 32 * 1024 * 1024;

/** A percentage on stderr while a large file is read; only on a terminal, and cleared when done. */
export function createProgress(path: string, label: string): { update(bytes: number): void; done(): void } {
  let total = 0;
  try {
    total = path === '-' ? 0 : statSync(path).size;
  } catch {
    total = 0;
  }
  const active = process.stderr.isTTY === true && total >= MIN_BYTES;
  let last = 0;
  return {
    update(bytes) {
      if (!active) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r${label} ${path}: ${Math.floor((bytes / total) * 100)}%`);
    },
    done() {
      if (active) process.stderr.write('\r\x1b[K');
    },
  };
}
