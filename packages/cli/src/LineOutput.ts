import { once } from 'node:events';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/** Lines written to stdout, or to a temporary file renamed over OUT when complete, so OUT is never half written. */
export class LineOutput {
  private readonly fd: number | undefined;
  private readonly temp: string | undefined;

  constructor(private readonly output: string | undefined) {
    this.temp = output === undefined ? undefined : `${resolve(output)}.${process.pid}.tmp`;
    this.fd = this.temp === undefined ? undefined : openSync(this.temp, 'w');
  }

  /** Writes one line (the newline is added); on stdout, waits while a slow reader catches up. */
  async write(line: string): Promise<void> {
    if (this.fd !== undefined) writeSync(this.fd, `${line}\n`);
    else if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
  }

  /** Puts the complete file in place of OUT. */
  commit(): void {
    if (this.temp === undefined || this.fd === undefined) return;
    closeSync(this.fd);
    renameSync(this.temp, this.output!);
  }

  /** Removes the temporary file, leaving OUT as it was. */
  abort(): void {
    if (this.temp === undefined || this.fd === undefined) return;
    closeSync(this.fd);
    rmSync(this.temp, { force: true });
  }
}
