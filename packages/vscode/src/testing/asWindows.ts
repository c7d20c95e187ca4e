/** Runs `body` with `process.platform` reading "win32", to exercise the Windows way of starting the CLI. */
export async function asWindows<T>(body: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { ...original, value: 'win32' });
  try {
    return await body();
  } finally {
    Object.defineProperty(process, 'platform', original);
  }
}
