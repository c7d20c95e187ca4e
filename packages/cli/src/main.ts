import { readFileSync } from 'node:fs';
import { COMMANDS } from './commands/index.js';
import { InputError } from '@aitrace/mcp';
import { UsageError } from './UsageError.js';

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The top-level help. */
export function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = names.reduce((widest, name) => Math.max(widest, name.length), 0);
  return `Usage: aitrace <command> [options]

Commands:
${names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`).join('\n')}

Run "aitrace <command> --help" for a command's options.

Exit codes: 0 success, 1 problems found or a file could not be read, 2 usage error.`;
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a trace file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A file error said as `PATH: what is wrong`, or undefined for any other error. */
function fileErrorMessage(error: NodeJS.ErrnoException): string | undefined {
  const what = error.code === undefined ? undefined : FILE_ERRORS[error.code];
  if (what === undefined) return undefined;
  return error.path !== undefined ? `${error.path}: ${what}` : error.message;
}

/** Runs the CLI with the given arguments and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    return await command.run(rest);
  } catch (error) {
    // Shared parsers (filters) throw InputError for a bad option: a usage error too.
    if (error instanceof InputError) {
      process.stderr.write(`aitrace: ${error.message}\n${command ? `Run "aitrace ${name} --help" for usage.` : 'Run "aitrace --help" for the commands.'}\n`);
      return 2;
    }
    const known = fileErrorMessage(error as NodeJS.ErrnoException);
    process.stderr.write(`aitrace: ${known ?? (error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
