import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

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

/** A program and all its arguments: how the CLI is started, always without a shell. */
export interface CliLaunch {
  file: string;
  args: string[];
}

const BIN = process.platform === 'win32' ? 'aitrace.cmd' : 'aitrace';
const PACKAGE = join('@aitrace', 'cli');
const SCRIPT = /\.[cm]?js$/i;
const BATCH = /\.(cmd|bat)$/i;
// In VS Code, process.execPath is the editor itself, and the CLI's native SQLite module is built for the user's Node.
const NODE = process.versions.electron === undefined ? process.execPath : 'node';

/** The JavaScript entry of an installed `@aitrace/cli` package directory, if there is one. */
function packageEntry(packageDir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.aitrace;
    return bin === undefined ? undefined : join(packageDir, bin);
  } catch {
    return undefined;
  }
}

/** The `aitrace` command to run: the `aitrace.cliPath` setting, else the workspace's own install, else the PATH. */
export function findCli(configured: string, workspaceFolders: readonly string[]): string {
  if (configured.trim() !== '') return configured.trim();
  for (const folder of workspaceFolders) {
    const entry = packageEntry(join(folder, 'node_modules', PACKAGE));
    if (entry !== undefined) return entry;
    const local = join(folder, 'node_modules', '.bin', BIN);
    if (existsSync(local)) return local;
  }
  return BIN;
}

/** Where a command without a directory is found on the PATH, as Windows looks it up. */
function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  if (isAbsolute(command) || command.includes('/') || command.includes('\\')) return command;
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * How to start `cli` with `args` without a shell, so a file name like `a&calc&.jsonl` or one with spaces reaches
 * the CLI as one argument. A JavaScript entry runs with Node. Windows cannot start a .cmd shim without a shell, so
 * the shim's `@aitrace/cli` package (npm's global layout, or a `node_modules/.bin` next to it) runs with Node instead.
 */
export function cliLaunch(cli: string, args: readonly string[], platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): CliLaunch {
  if (SCRIPT.test(cli)) return { file: NODE, args: [cli, ...args] };
  if (platform !== 'win32' || !BATCH.test(cli)) return { file: cli, args: [...args] };
  const shim = onPath(cli, env);
  if (shim !== undefined) {
    for (const packageDir of [join(dirname(shim), 'node_modules', PACKAGE), join(dirname(shim), '..', PACKAGE)]) {
      const entry = packageEntry(packageDir);
      if (entry !== undefined) return { file: NODE, args: [entry, ...args] };
    }
  }
  throw new CliError(
    `"${cli}" is a Windows batch file, which cannot be started safely with file names as arguments, and no @aitrace/cli package was found next to it. Set the "aitrace.cliPath" setting to the CLI's JavaScript entry (node_modules\\@aitrace\\cli\\bin\\aitrace.js).`,
  );
}

/** Whether the CLI said it has no such subcommand (an older `aitrace`). */
export function lacksCommand(result: CliResult, command: string): boolean {
  return result.code !== 0 && result.stderr.includes(`unknown command "${command}"`);
}

/** Runs `aitrace` to completion and collects its output. */
export function runCli(cli: string, args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const launch = cliLaunch(cli, args);
    const child = spawn(launch.file, launch.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', (error: NodeJS.ErrnoException) => reject(notStarted(cli, error, launch)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The error for a CLI that could not be started, with the fix. */
export function notStarted(cli: string, error: NodeJS.ErrnoException, launch?: CliLaunch): CliError {
  if (error.code === 'ENOENT' && launch !== undefined && launch.file !== cli && launch.file === NODE) {
    return new CliError(`Node.js, which runs the aitrace CLI "${cli}", was not found on the PATH. Install Node.js or set the "aitrace.cliPath" setting.`);
  }
  if (error.code === 'ENOENT') {
    return new CliError(`The aitrace CLI was not found (tried "${cli}"). Install @aitrace/cli in the workspace or set the "aitrace.cliPath" setting.`);
  }
  return new CliError(`The aitrace CLI "${cli}" could not be started: ${error.message}`);
}
