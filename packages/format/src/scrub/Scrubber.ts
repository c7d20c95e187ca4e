import { copyData, copyOwn } from '../copyOwn.js';
import { readOwn, setOwn, UNREADABLE } from '../ownProperties.js';
import { DEFAULT_SAFE_KEYS, keySensitivity, redactionMarker, redactSecrets, safeKeyMatcher, type KeySensitivity } from './scrubRules.js';

/** What to hide from trace records. */
export interface ScrubOptions {
  /** Scrub at all (default true). */
  enabled?: boolean;
  /** More sensitive keys: a string is a word matched as a whole key segment (case-insensitive), a RegExp is tested against the key. */
  patterns?: readonly (string | RegExp)[];
  /** Drop the built-in key rules and use only `patterns` (secret-shaped values are still redacted; default false). */
  replaceDefaults?: boolean;
  /** More keys never redacted by name, as globs (`*` matches anything): `myapp.usage.*` (config: `scrub-safe-keys`). */
  safeKeys?: readonly string[];
  /** Decides per value: `true` hides it, a string hides it with that reason, `false`/undefined keeps it. */
  redact?: (key: string, value: unknown, path: string) => boolean | string | undefined;
}

/** Path -> why it was scrubbed, as written in `__tracer_meta__.scrubbed`. */
export type ScrubbedPaths = Record<string, string>;

const CACHE_LIMIT = 10_000;
// A span's start and end carry the same prompt string; a long one found clean is not scanned again.
const CLEAN_CACHE_MIN_LENGTH = 1024;
const CLEAN_CACHE_SIZE = 8;
const CREDENTIAL_KEY = 'key names a credential';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Hides credentials in record data: values under keys that name a credential (numbers only under a credential
 * name itself), and secret-shaped substrings (tokens, keys, JWTs) in any string at any depth. Returns the input
 * unchanged (same object) when nothing matched; `scrubbed` then says which paths changed and why.
 */
export class Scrubber {
  /** The paths the last `scrub` call redacted, with the reason; undefined when it changed nothing. */
  scrubbed: ScrubbedPaths | undefined;
  private readonly enabled: boolean;
  private readonly defaults: boolean;
  private readonly patterns: { test: RegExp; label: string }[];
  private readonly isSafe: (key: string) => boolean;
  private readonly redact: ScrubOptions['redact'];
  // Attribute keys repeat endlessly; remembering the verdict keeps the hot path to one map lookup per key.
  private readonly cleanStrings: string[] = [];
  private cleanNext = 0;
  private readonly verdicts = new Map<string, { sensitivity: KeySensitivity; reason: string } | null>();

  constructor(options: ScrubOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.defaults = options.replaceDefaults !== true;
    this.patterns = (options.patterns ?? []).map((p) =>
      typeof p === 'string'
        ? { test: new RegExp(`(^|[^a-z0-9])${escapeRegExp(p)}($|[^a-z0-9])`, 'i'), label: JSON.stringify(p) }
        : { test: p, label: String(p) },
    );
    this.isSafe = safeKeyMatcher([...(this.defaults ? DEFAULT_SAFE_KEYS : []), ...(options.safeKeys ?? [])]);
    this.redact = options.redact;
  }

  private keyVerdict(key: string): { sensitivity: KeySensitivity; reason: string } | null {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = null;
      if (!this.isSafe(key)) {
        // camelCase counts as a segment boundary for the user's words too (`userSsn`).
        const split = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
        const pattern = this.patterns.find((p) => p.test.test(split) || p.test.test(key));
        const sensitivity = this.defaults ? keySensitivity(key) : undefined;
        if (pattern !== undefined) verdict = { sensitivity: 'credential', reason: `key matches ${pattern.label}` };
        else if (sensitivity !== undefined) verdict = { sensitivity, reason: CREDENTIAL_KEY };
      }
      if (this.verdicts.size < CACHE_LIMIT) this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private callbackVerdict(key: string, value: unknown, path: string): string | null {
    if (this.redact === undefined) return null;
    const decided = this.redact(key, value, path);
    return decided === true ? 'by the scrub callback' : typeof decided === 'string' ? decided : null;
  }

  private note(path: string, reason: string): void {
    (this.scrubbed ??= {})[path] = reason;
  }

  /** Scrubs a record of attributes or log data; the same object comes back when nothing needed hiding. */
  scrub<T extends Record<string, unknown>>(data: T): T {
    this.scrubbed = undefined;
    if (!this.enabled) return data;
    return this.scrubObject(data, '', 0) as T;
  }

  private scrubValue(value: unknown, path: string, depth: number): unknown {
    if (typeof value === 'string') {
      const long = value.length >= CLEAN_CACHE_MIN_LENGTH;
      if (long && this.cleanStrings.includes(value)) return value;
      const found = redactSecrets(value);
      if (found === undefined) {
        if (long) {
          this.cleanStrings[this.cleanNext] = value;
          this.cleanNext = (this.cleanNext + 1) % CLEAN_CACHE_SIZE;
        }
        return value;
      }
      this.note(path, `secret value: ${found.kinds.join(', ')}`);
      return found.text;
    }
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = readOwn(value, i);
        if (item === UNREADABLE) continue;
        const next = this.scrubValue(item, `${path}[${i}]`, depth + 1);
        if (!Object.is(next, item)) (out ??= copyOwn(value, []))[i] = next;
      }
      return out ?? value;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? this.scrubObject(value as Record<string, unknown>, path, depth) : value;
  }

  private scrubObject(data: Record<string, unknown>, path: string, depth: number): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(data)) {
      const at = path === '' ? key : `${path}.${key}`;
      const verdict = this.keyVerdict(key);
      if (verdict !== null) {
        // A credential key hides any value; a merely sensitive one keeps numbers and booleans (`password_length`).
        const value = verdict.sensitivity === 'credential' ? undefined : readOwn(data, key);
        if (verdict.sensitivity === 'credential' || (value !== null && value !== undefined && typeof value !== 'number' && typeof value !== 'boolean')) {
          setOwn((out ??= copyData(data)), key, redactionMarker(verdict.reason));
          this.note(at, verdict.reason);
          continue;
        }
      }
      const value = readOwn(data, key);
      // A getter that throws stays as it is; the encoder marks it unreadable.
      if (value === UNREADABLE) continue;
      const decided = this.callbackVerdict(key, value, at);
      let next: unknown;
      if (decided !== null) {
        next = redactionMarker(decided);
        this.note(at, decided);
      } else next = this.scrubValue(value, at, depth + 1);
      if (!Object.is(next, value)) setOwn((out ??= copyData(data)), key, next);
    }
    return out ?? data;
  }
}
