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
