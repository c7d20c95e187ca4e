/** A configuration value that cannot be used; the message names the source (file or variable) and the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** Where the value came from: a file path, an environment variable name, or `code`. */
    readonly source: string,
    /** The config key (`compat-mode`) or variable name. */
    readonly key: string,
    message: string,
  ) {
    super(`${source}: ${key}: ${message}`);
  }
}
