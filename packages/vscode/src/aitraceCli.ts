import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The outcome of one `aitrace` run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `aitrace` command could not be started or failed; the message says what to do. */
export class CliError extends Error {
  override name = 'CliError';
}

const BIN = process.platform === 'win32' ? 'aitrace.cmd' : 'aitrace';

/** The `aitrace` command to run: the `aitrace.cliPath` setting, else the workspace's own install, else the PATH. */
export function findCli(configured: string, workspaceFolders: readonly string[]): string {
  if (configured.trim() !== '') return configured.trim();
  for (const folder of workspaceFolders) {
    const local = join(folder, 'node_modules', '.bin', BIN);
    if (existsSync(local)) return local;
  }
  return BIN;
}

/** Whether the CLI said it has no such subcommand (an older `aitrace`). */
export function lacksCommand(result: CliResult, command: string): boolean {
  return result.code !== 0 && result.stderr.includes(`unknown command "${command}"`);
}

/** Runs `aitrace` to completion and collects its output. */
export function runCli(cli: string, args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', (error: NodeJS.ErrnoException) => reject(notStarted(cli, error)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The error for a CLI that could not be started, with the fix. */
export function notStarted(cli: string, error: NodeJS.ErrnoException): CliError {
  if (error.code === 'ENOENT') {
    return new CliError(`The aitrace CLI was not found (tried "${cli}"). Install @aitrace/cli in the workspace or set the "aitrace.cliPath" setting.`);
  }
  return new CliError(`The aitrace CLI "${cli}" could not be started: ${error.message}`);
}
