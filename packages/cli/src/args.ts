import { UsageError } from './UsageError.js';

/** Runs node:util parseArgs, turning its errors (unknown option, missing value) into UsageErrors. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A whole-number option, or a UsageError naming it. */
export function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return number;
}
