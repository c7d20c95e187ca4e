import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './UsageError.js';

/** node:util parseArgs' error text, said plainly: the option it is about and what is wrong with it. */
function usageMessage(error: NodeJS.ErrnoException): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (option !== undefined && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (option !== undefined && error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "--depth -1": the value looks like an option, so parseArgs refuses it.
    if (error.message.includes('ambiguous')) return `${option} needs a value; to pass one that starts with "-", write ${option}=VALUE`;
    if (error.message.includes('missing')) return `${option} needs a value`;
    if (error.message.includes('does not take an argument')) return `${option} takes no value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return error.message.split('. ')[0] ?? error.message;
  return error.message;
}

/** Runs node:util parseArgs, turning its errors (unknown option, missing value) into UsageErrors. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(usageMessage(error as NodeJS.ErrnoException));
  }
}

/** A whole-number option, or a UsageError naming it. */
export function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return number;
}

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type CommandArgs<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O & typeof HELP_OPTION }>>;

/** What a command accepts: its options (`-h`/`--help` is added), its help text, and how many positionals it needs. */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  options: O;
  help: string;
  positionals: number;
  /** The usage error when the count is wrong, e.g. "tree needs exactly one FILE (or - for stdin)". */
  positionalsError: string;
}

/**
 * Parses a command's arguments. Prints the help and returns undefined for `--help`; throws a UsageError for
 * an unknown option, a missing value or the wrong number of positionals.
 */
export function parseCommand<const O extends ParseArgsOptionsConfig>(argv: string[], spec: CommandSpec<O>): CommandArgs<O> | undefined {
  const parsed = parseOrUsage(() => parseArgs({ args: argv, allowPositionals: true, options: { ...spec.options, ...HELP_OPTION } }));
  if ((parsed.values as { help?: boolean }).help === true) {
    console.log(spec.help);
    return undefined;
  }
  if (parsed.positionals.length !== spec.positionals) throw new UsageError(spec.positionalsError);
  return parsed as CommandArgs<O>;
}
