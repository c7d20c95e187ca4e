/** Whether a process with this id runs on this machine (signal 0 only checks; EPERM means it exists). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether every writer of a file has exited, so its unfinished spans will never end (they are cut off). */
export function writersGone(pids: readonly number[]): boolean {
  return pids.length > 0 && pids.every((pid) => !isProcessAlive(pid));
}
