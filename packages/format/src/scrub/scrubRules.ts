/** The scrubbing rules shared by every writer and reader: which keys name credentials, which values look like secrets. */

/** A secret shape found inside string values, wherever they appear. */
export interface SecretShape {
  /** Short name written in the redaction marker and in `__tracer_meta__.scrubbed` (`jwt`, `openai api key`). */
  kind: string;
  /** The pattern; group `secret` (when present) is the part replaced, the rest of the match is kept. */
  pattern: RegExp;
}

/** The secret shapes redacted inside any string value; each is specific enough that prose never matches it. */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'bearer token', pattern: /\b[Bb]earer[ \t]+(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/ },
  { kind: 'openai api key', pattern: /\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'aws access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'github token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'google api key', pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  { kind: 'stripe key', pattern: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}/ },
  { kind: 'gitlab token', pattern: /\bglpat-[0-9A-Za-z_-]{20,}/ },
  { kind: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'hugging face token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/ },
];

// Three stages, cheapest first: a character-class scan that rejects most prose at a fraction of the cost of
// copying it (every shape has `-` or `_` before a letter or digit, or one of these literals), then the literal
// prefixes of the shapes, then the full patterns on the rare string that has a prefix.
const QUICK_CHECK = /[-_][A-Za-z0-9]|eyJ|AKIA|ASIA|AIza|earer/;
const SECRET_PREFIXES = /[Bb]earer|eyJ|-----BEGIN|sk-|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|AIza|k_(?:live|test)_|glpat-|npm_|hf_/;
const ANY_SECRET_GLOBAL = new RegExp(SECRET_SHAPES.map((shape) => `(?:${shape.pattern.source.replace(/\?<secret>/g, '')})`).join('|'), 'g');
// The shortest shape (Bearer + 16) is longer than this; shorter strings need no scan.
const MIN_SECRET_LENGTH = 20;

/** The marker that replaces a redacted value or secret: `[redacted: <reason>]`. */
export function redactionMarker(reason: string): string {
  return `[redacted: ${reason}]`;
}

/** The text with every secret shape replaced by its marker and the kinds found, or undefined when it holds none. */
export function redactSecrets(text: string): { text: string; kinds: string[] } | undefined {
  if (text.length < MIN_SECRET_LENGTH || !QUICK_CHECK.test(text) || !SECRET_PREFIXES.test(text)) return undefined;
  const kinds: string[] = [];
  const out = text.replace(ANY_SECRET_GLOBAL, (match) => {
    for (const shape of SECRET_SHAPES) {
      const found = shape.pattern.exec(match);
      if (found === null || found.index !== 0) continue;
      if (!kinds.includes(shape.kind)) kinds.push(shape.kind);
      const secret = found.groups?.secret;
      const marker = redactionMarker(shape.kind);
      return secret === undefined ? marker + match.slice(found[0].length) : match.slice(0, match.length - secret.length) + marker;
    }
    return match;
  });
  return kinds.length === 0 ? undefined : { text: out, kinds };
}

/** Words that make a key sensitive wherever they appear as a segment (`client_secret`, `set-cookie`). */
const SENSITIVE_ANYWHERE = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'authorization',
  'cookie',
  'cookies',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
]);
/** Words that name a credential when they end the key (`access_token`, `x-auth-token`, `user.pin`). */
const CREDENTIAL_NOUNS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'auth',
  'pin',
  'otp',
  'cvv',
  'jwt',
  'apikey',
  'privatekey',
  'sessionid',
  'authorization',
  'cookie',
  'credential',
  'credentials',
]);
/** Two final segments that name a credential together (`api_key`, `apiKey`, `private-key`, `session.id`). */
const CREDENTIAL_PAIRS = new Set(['api key', 'private key', 'secret key', 'access key', 'signing key', 'encryption key', 'session id', 'client secret']);
/** Segments that say a key holds a fact about a credential, not the credential (`password_length`, `has_token`). */
const ABOUT_WORDS = new Set([
  'count',
  'length',
  'len',
  'size',
  'max',
  'min',
  'has',
  'is',
  'use',
  'uses',
  'enabled',
  'required',
  'expires',
  'expiry',
  'ttl',
  'age',
  'type',
  'kind',
]);

/** A key's segments, lower case: split on `.`, `_`, `-`, spaces and camelCase (`xAuthToken` -> x, auth, token). */
export function keySegments(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._\-/:[\]]+/)
    .filter((segment) => segment !== '');
}

/** How a key name is sensitive: `credential` (its values are hidden, numbers too), `sensitive` (strings and objects only), or undefined. */
export type KeySensitivity = 'credential' | 'sensitive' | undefined;

/** Whether a key names a credential; matches whole segments, so `max_tokens` and `token_count` are not sensitive. */
export function keySensitivity(key: string): KeySensitivity {
  const segments = keySegments(key);
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  const pair = segments.length >= 2 ? `${segments[segments.length - 2]} ${last}` : '';
  const endsInCredential = CREDENTIAL_NOUNS.has(last) || CREDENTIAL_PAIRS.has(pair);
  if (endsInCredential) return segments.some((segment) => ABOUT_WORDS.has(segment)) ? 'sensitive' : 'credential';
  return segments.some((segment) => SENSITIVE_ANYWHERE.has(segment)) ? 'sensitive' : undefined;
}

/** Keys never redacted: token usage and counts (GenAI and OpenInference), and aitrace's own metadata. */
export const DEFAULT_SAFE_KEYS: readonly string[] = [
  'gen_ai.usage.*',
  'gen_ai.request.max_tokens',
  'gen_ai.token.type',
  'llm.token_count.*',
  'llm.usage.*',
  'usage.*',
  '*_tokens',
  '*.token_count',
  'token_count',
  'aitrace.*',
  'code.*',
];

/** A matcher for safe-key globs (`*` matches any run of characters), compiled into one regular expression. */
export function safeKeyMatcher(globs: readonly string[]): (key: string) => boolean {
  if (globs.length === 0) return () => false;
  const pattern = new RegExp(
    `^(?:${globs
      .map((glob) =>
        glob
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*'),
      )
      .join('|')})$`,
  );
  return (key) => pattern.test(key);
}
