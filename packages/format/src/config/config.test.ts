import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, getConfig, loadConfig, resetConfig, setCompatMode } from './index.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'aitrace-config-'));

describe('configuration', () => {
  afterEach(() => resetConfig());

  it('defaults when nothing is set', () => {
    expect(loadConfig({ env: {}, cwd: dir() }).config).toMatchObject({ compatMode: false, sync: false, flushIntervalMs: 100, output: undefined });
  });

  it('reads compat-mode from YAML and TOML files, in the directory or a parent', () => {
    const yaml = dir();
    writeFileSync(join(yaml, 'aitrace.yaml'), 'compat-mode: true\nmax-file-size: 10MB\n');
    const nested = join(yaml, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const loaded = loadConfig({ env: {}, cwd: nested });
    expect(loaded.configFile).toBe(join(yaml, 'aitrace.yaml'));
    expect(loaded.config).toMatchObject({ compatMode: true, maxFileSize: 10 * 1024 * 1024 });
    const toml = dir();
    writeFileSync(join(toml, 'aitrace.toml'), 'compat-mode = true\nsync = true\n');
    expect(loadConfig({ env: {}, cwd: toml }).config).toMatchObject({ compatMode: true, sync: true });
  });

  it('uses AITRACE_CONFIG over the search, and names a missing file', () => {
    const d = dir();
    writeFileSync(join(d, 'custom.yml'), 'compat-mode: yes\n');
    expect(loadConfig({ env: { AITRACE_CONFIG: 'custom.yml' }, cwd: d }).config.compatMode).toBe(true);
    expect(() => loadConfig({ env: { AITRACE_CONFIG: 'gone.yaml' }, cwd: d })).toThrow(/AITRACE_CONFIG: file not found/);
  });

  it('applies code over environment over file over defaults', () => {
    const d = dir();
    writeFileSync(join(d, 'aitrace.yaml'), 'compat-mode: true\nsync: true\nflush-interval-ms: 50\n');
    const env = { AITRACE_COMPAT_MODE: 'false', AITRACE_SYNC: 'false' };
    expect(loadConfig({ env, cwd: d }).config).toMatchObject({ compatMode: false, sync: false, flushIntervalMs: 50 });
    expect(loadConfig({ env, cwd: d, overrides: { compatMode: true } }).config.compatMode).toBe(true);
  });

  it("reads the scrubber's extra safe keys as a list from files and as a comma-separated variable", () => {
    const d = dir();
    writeFileSync(join(d, 'aitrace.yaml'), 'scrub-safe-keys: [myapp.usage.*, billing.secret_hint]\n');
    expect(loadConfig({ env: {}, cwd: d }).config.scrubSafeKeys).toEqual(['myapp.usage.*', 'billing.secret_hint']);
    expect(loadConfig({ env: { AITRACE_SCRUB_SAFE_KEYS: 'a.*, b' }, cwd: d }).config.scrubSafeKeys).toEqual(['a.*', 'b']);
    writeFileSync(join(d, 'aitrace.yaml'), 'scrub-safe-keys: 3\n');
    expect(() => loadConfig({ env: {}, cwd: d })).toThrow(/scrub-safe-keys.*a list of keys/);
  });

  it('checks values set in code like the others: sizes with units work, bad values name the option', () => {
    const d = dir();
    const load = (overrides: Record<string, unknown>) => loadConfig({ env: {}, cwd: d, configFile: false, overrides }).config;
    expect(load({ maxFileSize: '4KB', maxFiles: 2 })).toMatchObject({ maxFileSize: 4096, maxFiles: 2 });
    expect(load({ sync: 'yes' }).sync).toBe(true);
    expect(() => load({ maxFileSize: 'big' })).toThrow('code: maxFileSize: expected a size in bytes, like 10485760 or "10MB", got "big"');
    expect(() => load({ flushIntervalMs: -5 })).toThrow('code: flushIntervalMs: expected an integer >= 1, got -5');
    expect(() => load({ maxFiles: 'three' })).toThrow('code: maxFiles: expected an integer >= 0, got "three"');
    expect(() => load({ outptu: 'x' })).toThrow(/code: outptu: unknown setting; known settings: compatMode, output/);
  });

  it('gives errors that name the source and the key', () => {
    const d = dir();
    expect(() => loadConfig({ env: { AITRACE_COMPAT_MODE: 'maybe' }, cwd: d })).toThrow(
      'environment: AITRACE_COMPAT_MODE: expected true or false, got "maybe"',
    );
    writeFileSync(join(d, 'aitrace.yaml'), 'compat_mode: true\n');
    expect(() => loadConfig({ env: {}, cwd: d })).toThrow(`${join(d, 'aitrace.yaml')}: compat_mode: unknown key (did you mean "compat-mode"?)`);
    writeFileSync(join(d, 'aitrace.yaml'), 'max-files: -1\n');
    expect(() => loadConfig({ env: {}, cwd: d })).toThrow(/max-files: expected an integer >= 0, got -1/);
    writeFileSync(join(d, 'aitrace.yaml'), 'compat-mode: [true\n');
    expect(() => loadConfig({ env: {}, cwd: d })).toThrow(ConfigError);
    const toml = dir();
    writeFileSync(join(toml, 'aitrace.toml'), 'compat-mode = "sometimes"\n');
    expect(() => loadConfig({ env: {}, cwd: toml })).toThrow(/aitrace\.toml: compat-mode: expected true or false, got "sometimes"/);
  });

  it('lets code turn compat mode on and off for the whole process, over the environment', () => {
    const before = process.env.AITRACE_COMPAT_MODE;
    try {
      process.env.AITRACE_COMPAT_MODE = 'false';
      setCompatMode(true);
      expect(getConfig().compatMode).toBe(true);
      // Turning it off must undo the call above and win over an environment that turns it on.
      setCompatMode(false);
      expect(getConfig().compatMode).toBe(false);
      process.env.AITRACE_COMPAT_MODE = 'true';
      resetConfig();
      expect(getConfig().compatMode).toBe(true);
      setCompatMode(false);
      expect(getConfig().compatMode).toBe(false);
    } finally {
      if (before === undefined) delete process.env.AITRACE_COMPAT_MODE;
      else process.env.AITRACE_COMPAT_MODE = before;
    }
  });
});
