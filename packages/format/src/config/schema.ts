import { ConfigError } from './ConfigError.js';

/** Settings shared by every aitrace writer, after all sources are merged. */
export interface AitraceConfig {
  /** Also write `timestamp` at the top level of each record (default false). */
  compatMode: boolean;
  /** Trace file path (may contain `{pid}`, `{date}`, `{time}`, `{hostname}`); undefined means stdout. */
  output: string | undefined;
  /** Write each record durably before the call returns (default false: buffered, asynchronous). */
  sync: boolean;
  /** Longest time an accepted record waits in the buffer before it is written, in ms (default 100). */
  flushIntervalMs: number;
  /** Most records held in memory waiting to be written; beyond it records are dropped and counted (default 65,536). */
  maxQueueSize: number;
  /** Rotate the trace file when it would grow past this many bytes (default: no rotation). */
  maxFileSize: number | undefined;
  /** Rotated files kept besides the current one (default 5). */
  maxFiles: number;
  /** Record file/line/function in developer-API logs and spans (default true; `false` saves a few stack frames read per log call). */
  captureCallSite: boolean;
  /** More keys the scrubber never redacts by name, as globs (`myapp.usage.*`); default none beyond the built-in list. */
  scrubSafeKeys: readonly string[];
}

/** The defaults, in one place. */
export const DEFAULT_CONFIG: Readonly<AitraceConfig> = {
  compatMode: false,
  output: undefined,
  sync: false,
  flushIntervalMs: 100,
  maxQueueSize: 65536,
  maxFileSize: undefined,
  maxFiles: 5,
  captureCallSite: true,
  scrubSafeKeys: [],
};

type Parser = (value: unknown) => { ok: true; value: unknown } | { ok: false; expected: string };

interface Setting {
  /** Key in aitrace.yaml / aitrace.toml. */
  key: string;
  /** Environment variable. */
  env: string;
  field: keyof AitraceConfig;
  parse: Parser;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** A boolean setting's text (`true`, `1`, `yes`, `on` / `false`, `0`, `no`, `off`), or undefined when it is neither. */
export function parseBooleanText(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

const parseBoolean: Parser = (value) => {
  if (typeof value === 'boolean') return { ok: true, value };
  const parsed = typeof value === 'string' ? parseBooleanText(value) : undefined;
  return parsed === undefined ? { ok: false, expected: 'true or false' } : { ok: true, value: parsed };
};

const parseString: Parser = (value) =>
  typeof value === 'string' && value.trim() !== '' ? { ok: true, value: value.trim() } : { ok: false, expected: 'a non-empty string' };

function parsePositiveInteger(min: number): Parser {
  return (value) => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof number === 'number' && Number.isInteger(number) && number >= min
      ? { ok: true, value: number }
      : { ok: false, expected: `an integer >= ${min}` };
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

const parseSize: Parser = (value) => {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return { ok: true, value };
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
    if (match && unit !== undefined) {
      const bytes = Math.floor(Number(match[1]) * unit);
      if (bytes > 0) return { ok: true, value: bytes };
    }
  }
  return { ok: false, expected: 'a size in bytes, like 10485760 or "10MB"' };
};

const parseKeyList: Parser = (value) => {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (items === undefined || !items.every((item) => typeof item === 'string' && item.trim() !== ''))
    return { ok: false, expected: 'a list of keys (a comma-separated string or a list of strings)' };
  return { ok: true, value: items.map((item: string) => item.trim()) };
};

/** Every setting, with its file key and environment variable. */
export const SETTINGS: readonly Setting[] = [
  { key: 'compat-mode', env: 'AITRACE_COMPAT_MODE', field: 'compatMode', parse: parseBoolean },
  { key: 'output', env: 'AITRACE_OUTPUT', field: 'output', parse: parseString },
  { key: 'sync', env: 'AITRACE_SYNC', field: 'sync', parse: parseBoolean },
  { key: 'flush-interval-ms', env: 'AITRACE_FLUSH_INTERVAL_MS', field: 'flushIntervalMs', parse: parsePositiveInteger(1) },
  { key: 'max-queue-size', env: 'AITRACE_MAX_QUEUE_SIZE', field: 'maxQueueSize', parse: parsePositiveInteger(1) },
  { key: 'max-file-size', env: 'AITRACE_MAX_FILE_SIZE', field: 'maxFileSize', parse: parseSize },
  { key: 'max-files', env: 'AITRACE_MAX_FILES', field: 'maxFiles', parse: parsePositiveInteger(0) },
  { key: 'capture-call-site', env: 'AITRACE_CAPTURE_CALL_SITE', field: 'captureCallSite', parse: parseBoolean },
  { key: 'scrub-safe-keys', env: 'AITRACE_SCRUB_SAFE_KEYS', field: 'scrubSafeKeys', parse: parseKeyList },
];

function describeValue(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'a table'
          : String(value);
}

function apply(setting: Setting, raw: unknown, source: string, name: string, into: Partial<AitraceConfig>): void {
  const parsed = setting.parse(raw);
  if (!parsed.ok) throw new ConfigError(source, name, `expected ${parsed.expected}, got ${describeValue(raw)}`);
  (into as Record<string, unknown>)[setting.field] = parsed.value;
}

/** Reads settings from the values of a config file; unknown keys and bad values throw a ConfigError naming the file and key. */
export function configFromFileValues(values: unknown, source: string): Partial<AitraceConfig> {
  if (values === null || values === undefined) return {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new ConfigError(source, '(top level)', 'expected a mapping of keys to values');
  const out: Partial<AitraceConfig> = {};
  for (const [key, raw] of Object.entries(values as Record<string, unknown>)) {
    const setting = SETTINGS.find((s) => s.key === key);
    if (!setting) {
      const hint = SETTINGS.find((s) => s.key.replace(/-/g, '') === key.replace(/[-_]/g, '').toLowerCase());
      throw new ConfigError(source, key, `unknown key${hint ? ` (did you mean "${hint.key}"?)` : `; known keys: ${SETTINGS.map((s) => s.key).join(', ')}`}`);
    }
    apply(setting, raw, source, key, out);
  }
  return out;
}

/** Reads the `AITRACE_*` variables; a bad value throws a ConfigError naming the variable. Empty variables are ignored. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<AitraceConfig> {
  const out: Partial<AitraceConfig> = {};
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw === undefined || raw.trim() === '') continue;
    apply(setting, raw, 'environment', setting.env, out);
  }
  return out;
}

/** Checks values set in code (options, `setConfig`) like file and environment values; a bad one throws a ConfigError naming the option. */
export function configFromCode(values: Readonly<Record<string, unknown>> | undefined): Partial<AitraceConfig> {
  const out: Partial<AitraceConfig> = {};
  if (values === undefined) return out;
  for (const [field, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    const setting = SETTINGS.find((s) => s.field === field);
    if (!setting) throw new ConfigError('code', field, `unknown setting; known settings: ${SETTINGS.map((s) => s.field).join(', ')}`);
    apply(setting, raw, 'code', field, out);
  }
  return out;
}
