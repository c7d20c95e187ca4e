import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './ConfigError.js';
import { configFromCode, configFromEnv, configFromFileValues, DEFAULT_CONFIG, type AitraceConfig } from './schema.js';

/** Config file names looked up in the working directory and then each parent directory, first match wins. */
export const CONFIG_FILE_NAMES = ['aitrace.yaml', 'aitrace.yml', 'aitrace.toml', '.aitrace.yaml', '.aitrace.yml', '.aitrace.toml'] as const;

/** Where `loadConfig` looks. */
export interface LoadConfigOptions {
  /** Environment to read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory the config file search starts in (default `process.cwd()`). */
  cwd?: string;
  /** An explicit config file; overrides `AITRACE_CONFIG` and the search. `false` skips config files. */
  configFile?: string | false;
  /** Values set in code; they win over every other source. */
  overrides?: Readonly<Record<string, unknown>>;
}

/** The merged configuration and the config file it read, if any. */
export interface LoadedConfig {
  config: AitraceConfig;
  configFile: string | undefined;
}

/** Finds the config file: `AITRACE_CONFIG` if set, else the first known name in `cwd` or a parent directory. */
export function findConfigFile(cwd: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const explicit = env.AITRACE_CONFIG;
  if (explicit !== undefined && explicit.trim() !== '') {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError('environment', 'AITRACE_CONFIG', `file not found: ${path}`);
    return path;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks one YAML or TOML config file. */
export function readConfigFile(path: string): Partial<AitraceConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, '(file)', `cannot be read: ${(error as Error).message}`);
  }
  let values: unknown;
  try {
    values = extname(path) === '.toml' ? parseToml(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, '(syntax)', (error as Error).message.split('\n')[0] ?? 'invalid file');
  }
  return configFromFileValues(values, path);
}

/**
 * Merges the configuration. Precedence, highest first: values set in code, `AITRACE_*` environment variables,
 * the config file, the defaults. Throws a ConfigError that names the source and key of a bad value.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configFile = options.configFile === false ? undefined : options.configFile !== undefined ? resolve(cwd, options.configFile) : findConfigFile(cwd, env);
  const fromFile = configFile !== undefined ? readConfigFile(configFile) : {};
  const config: AitraceConfig = { ...DEFAULT_CONFIG, ...fromFile, ...configFromEnv(env), ...configFromCode(options.overrides) };
  return { config, configFile };
}
