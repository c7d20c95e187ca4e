import { statSync } from 'node:fs';

const MIN_BYTES = 32 * 1024 * 1024;

/**
 * A percentage on stderr while a large file (by default 32 MiB or more) is read, with an optional detail such
 * as counts sent; only on a terminal, and cleared when done.
 */
export function createProgress(
  path: string,
  label: string,
  minBytes = MIN_BYTES,
): { readonly active: boolean; update(bytes: number, detail?: string): void; done(): void } {
  let total = 0;
  try {
    total = path === '-' ? 0 : statSync(path).size;
  } catch {
    total = 0;
  }
  const active = process.stderr.isTTY === true && total > 0 && total >= minBytes;
  let last = 0;
  return {
    active,
    update(bytes, detail) {
      if (!active) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[K${label} ${path}: ${Math.floor((bytes / total) * 100)}%${detail !== undefined ? ` (${detail})` : ''}`);
    },
    done() {
      if (active) process.stderr.write('\r\x1b[K');
    },
  };
}
