import { InputError } from '@aitrace/mcp';

/** A mistake in the command line; the CLI prints it with a hint and exits with code 2. */
export class UsageError extends InputError {
  override readonly name: string = 'UsageError';
}
