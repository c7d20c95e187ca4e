import { copyOwn } from '@aitrace/format';
import { readOwn, setOwn, UNREADABLE } from './ownProperties.js';

/** What to hide from trace records. */
export interface ScrubOptions {
  /** Scrub at all (default true). */
  enabled?: boolean;
  /** More key patterns, as strings (matched case-insensitively, anywhere in the key) or regular expressions. */
  patterns?: readonly (string | RegExp)[];
  /** Drop the built-in patterns and use only `patterns` (default false). */
  replaceDefaults?: boolean;
  /** Decides per value: `true` hides it, a string hides it with that reason, `false`/undefined keeps it. */
  redact?: (key: string, value: unknown, path: string) => boolean | string | undefined;
}

/** Keys hidden by default: passwords, secrets, tokens, API keys, authorization headers, cookies, private keys. */
export const DEFAULT_SCRUB_PATTERNS: readonly RegExp[] = [
  /passw(or)?d|passphrase|pwd/i,
  /secret/i,
  /token/i,
  /api[-_.]?key/i,
  /authorization|^auth$/i,
  /cookie/i,
  /private[-_.]?key/i,
  /credential/i,
  /session[-_.]?id/i,
];

const CACHE_LIMIT = 10_000;

/**
 * Replaces the values of sensitive keys, at any depth, with a marker that says why
 * (`[redacted: key matches /token/i]`). Returns the input unchanged (same object) when nothing matched.
 */
export class Scrubber {
  private readonly patterns: RegExp[];
  private readonly enabled: boolean;
  private readonly redact: ScrubOptions['redact'];
  // Attribute keys repeat endlessly; remembering the verdict keeps the hot path to one map lookup per key.
  private readonly verdicts = new Map<string, string | null>();

  constructor(options: ScrubOptions = {}) {
    this.enabled = options.enabled ?? true;
    const extra = (options.patterns ?? []).map((p) => (typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : p));
    this.patterns = [...(options.replaceDefaults === true ? [] : DEFAULT_SCRUB_PATTERNS), ...extra];
    this.redact = options.redact;
  }

  private keyVerdict(key: string): string | null {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const pattern = this.patterns.find((p) => p.test(key));
      verdict = pattern === undefined ? null : `[redacted: key matches ${String(pattern)}]`;
      if (this.verdicts.size < CACHE_LIMIT) this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private callbackVerdict(key: string, value: unknown, path: string): string | null {
    if (this.redact === undefined) return null;
    const decided = this.redact(key, value, path);
    return decided === true ? '[redacted: by the scrub callback]' : typeof decided === 'string' ? `[redacted: ${decided}]` : null;
  }

  /** Scrubs a record of attributes or log data; the same object comes back when nothing needed hiding. */
  scrub<T extends Record<string, unknown>>(data: T): T {
    if (!this.enabled) return data;
    return this.scrubObject(data, '', 0) as T;
  }

  private scrubValue(value: unknown, path: string, depth: number): unknown {
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = readOwn(value, i);
        if (item === UNREADABLE) continue;
        const next = this.scrubValue(item, `${path}[${i}]`, depth + 1);
        if (next !== item) (out ??= copyOwn(value, []))[i] = next;
      }
      return out ?? value;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? this.scrubObject(value as Record<string, unknown>, path, depth) : value;
  }

  private scrubObject(data: Record<string, unknown>, path: string, depth: number): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(data)) {
      // A sensitive key is hidden without reading its value.
      const marker = this.keyVerdict(key);
      if (marker !== null) {
        setOwn((out ??= copyOwn(data, {})), key, marker);
        continue;
      }
      const value = readOwn(data, key);
      // A getter that throws stays as it is; the encoder marks it unreadable.
      if (value === UNREADABLE) continue;
      const at = path === '' ? key : `${path}.${key}`;
      const next = this.callbackVerdict(key, value, at) ?? this.scrubValue(value, at, depth + 1);
      if (next !== value) setOwn((out ??= copyOwn(data, {})), key, next);
    }
    return out ?? data;
  }
}
