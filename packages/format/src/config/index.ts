import { loadConfig } from './loadConfig.js';
import type { AitraceConfig } from './schema.js';

export { ConfigError } from './ConfigError.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig, readConfigFile, type LoadConfigOptions, type LoadedConfig } from './loadConfig.js';
export { configFromEnv, configFromFileValues, DEFAULT_CONFIG, parseBooleanText, SETTINGS, type AitraceConfig } from './schema.js';

let overrides: Partial<AitraceConfig> = {};
let cached: AitraceConfig | undefined;

/** The process-wide configuration (code > environment > config file > defaults), read once and cached. */
export function getConfig(): AitraceConfig {
  cached ??= loadConfig({ overrides }).config;
  return cached;
}

/** Turns compat mode on or off in code; this wins over the environment and the config file. */
export function setCompatMode(enabled: boolean): void {
  setConfig({ compatMode: enabled });
}

/** Sets configuration values in code; they win over the environment and the config file. */
export function setConfig(values: Partial<AitraceConfig>): void {
  overrides = { ...overrides, ...values };
  cached = undefined;
}

/** Values set in code with `setConfig` / `setCompatMode`; writers merge them over their sources. */
export function getConfigOverrides(): Partial<AitraceConfig> {
  return { ...overrides };
}

/** Forgets values set in code and re-reads the environment and config file on the next `getConfig()`. */
export function resetConfig(): void {
  overrides = {};
  cached = undefined;
}
