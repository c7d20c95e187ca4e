import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scrubber } from './Scrubber.js';
import { SECRET_SAMPLES } from '../../../../test/fixtures/secretSamples.js';
import { keySensitivity, redactSecrets } from './scrubRules.js';

describe('key names', () => {
  it('match credential words as whole segments, not substrings', () => {
    for (const key of [
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
      'max_tokens',
      'gen_ai.request.max_tokens',
      'token_count',
      'llm.token_count.prompt',
      'tokenizer',
      'passthrough',
      'author',
      'keyboard',
      'monkey',
    ]) {
      expect(keySensitivity(key), key).toBeUndefined();
    }
    for (const key of [
      'access_token',
      'x-auth-token',
      'authorization',
      'password',
      'api_key',
      'apiKey',
      'secret',
      'client_secret',
      'cookie',
      'set-cookie',
      'http.request.header.authorization',
      'xAuthToken',
      'user.pin',
      'PASSWORD',
      'sessionId',
    ]) {
      expect(keySensitivity(key), key).toBe('credential');
    }
    expect(keySensitivity('password_length')).toBe('sensitive');
    expect(keySensitivity('has_token')).toBe('sensitive');
  });
});

describe('Scrubber', () => {
  it('keeps token counts as numbers and hides credentials, saying where and why', () => {
    const scrubber = new Scrubber();
    const data = {
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.request.max_tokens': 100,
      'llm.token_count.prompt': 7,
      token_count: 3,
      access_token: 'abc',
      'x-auth-token': 'def',
      password: 1234,
      password_length: 12,
      has_token: true,
      apiKey: 'k',
    };
    expect(scrubber.scrub(data)).toEqual({
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.request.max_tokens': 100,
      'llm.token_count.prompt': 7,
      token_count: 3,
      access_token: '[redacted: key names a credential]',
      'x-auth-token': '[redacted: key names a credential]',
      password: '[redacted: key names a credential]',
      password_length: 12,
      has_token: true,
      apiKey: '[redacted: key names a credential]',
    });
    expect(scrubber.scrubbed).toEqual({
      access_token: 'key names a credential',
      'x-auth-token': 'key names a credential',
      password: 'key names a credential',
      apiKey: 'key names a credential',
    });
  });

  it('redacts secret shapes inside prompts and nested values, keeping the text around them', () => {
    const scrubber = new Scrubber();
    const out = scrubber.scrub({
      prompt: 'call it with Bearer abcDEF1234567890ghijKLMN please',
      messages: [{ role: 'user', content: 'my key is sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7, ok?' }],
    });
    expect(out).toEqual({
      prompt: 'call it with Bearer [redacted: bearer token] please',
      messages: [{ role: 'user', content: 'my key is [redacted: openai api key], ok?' }],
    });
    expect(scrubber.scrubbed).toEqual({ prompt: 'secret value: bearer token', 'messages[0].content': 'secret value: openai api key' });
  });

  it('returns the same object and no report when nothing is secret', () => {
    const scrubber = new Scrubber();
    const data = { prompt: 'What is the weather in Paris?', 'gen_ai.usage.input_tokens': 5 };
    expect(scrubber.scrub(data)).toBe(data);
    expect(scrubber.scrubbed).toBeUndefined();
    // NaN is not equal to itself, yet it is unchanged: no copy.
    const withNaN = { score: Number.NaN, scores: [Number.NaN] };
    expect(scrubber.scrub(withNaN)).toBe(withNaN);
  });

  it('never redacts safe keys by name, and users can add safe keys', () => {
    expect(new Scrubber({ patterns: ['tokens'] }).scrub({ 'gen_ai.usage.input_tokens': 5 })).toEqual({ 'gen_ai.usage.input_tokens': 5 });
    expect(new Scrubber({ safeKeys: ['myapp.secret_*'] }).scrub({ 'myapp.secret_count_label': 'three' })).toEqual({ 'myapp.secret_count_label': 'three' });
    expect(new Scrubber().scrub({ 'myapp.secret_count_label': 'three' })).toEqual({ 'myapp.secret_count_label': '[redacted: key names a credential]' });
  });

  it('under keys that are not sensitive, never changes a number, a boolean or a string with no secret shape', () => {
    const scrubber = new Scrubber();
    const plainKey = fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/).filter((key) => keySensitivity(key) === undefined);
    const plainText = fc.string({ maxLength: 300 }).filter((text) => redactSecrets(text) === undefined);
    const value = fc.oneof(fc.double(), fc.integer(), fc.boolean(), plainText);
    fc.assert(
      fc.property(
        fc.dictionary(plainKey, fc.oneof(value, fc.array(value, { maxLength: 4 }), fc.dictionary(plainKey, value, { maxKeys: 4 })), { maxKeys: 8 }),
        (data) => {
          const out = scrubber.scrub(data);
          expect(out).toBe(data);
          expect(scrubber.scrubbed).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('redacts every secret shape inside random surrounding text, and only the secret', () => {
    const scrubber = new Scrubber();
    // Surrounding text ends and starts on a non-word character, as a secret in prose does.
    const around = fc.string({ maxLength: 40 }).map((text) => text.replace(/[A-Za-z0-9_\-+/=.~]/g, ' '));
    fc.assert(
      fc.property(around, around, fc.constantFrom(...SECRET_SAMPLES), (before, after, sample) => {
        const text = `${before} ${sample.secret} ${after}`;
        const out = scrubber.scrub({ note: text }).note;
        expect(out).toBe(`${before} ${sample.kept ?? ''}[redacted: ${sample.kind}] ${after}`);
        expect(scrubber.scrubbed).toEqual({ note: `secret value: ${sample.kind}` });
      }),
      { numRuns: 500 },
    );
  });
});
