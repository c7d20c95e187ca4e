// Scrubbing on long prompt strings: the cost of scrub + encode against encode alone, on the same records in one run.
import { encodeRecord, Scrubber } from '@aitrace/format';
import { compare } from './harness.mjs';

const WORDS = 'the agent reads the ticket calls the weather tool with city Paris and answers in two short sentences'.split(' ');

/** A chat span's attributes: a prompt of about `chars` characters as GenAI message JSON, plus the usual GenAI fields. */
function genAiAttributes(chars, secret) {
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${WORDS[i % WORDS.length]} `;
  if (secret) text = `${text.slice(0, chars / 2)} Authorization: Bearer abcDEF1234567890ghijKLMN ${text.slice(chars / 2)}`;
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.max_tokens': 512,
    'gen_ai.usage.input_tokens': 1234,
    'gen_ai.usage.output_tokens': 56,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: text }] },
    ]),
  };
}

const META = {
  timestamp: '2026-12-02T03:00:00.000000Z',
  event: 'chat gpt-4o-mini.end',
  type: 'span_end',
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  span_id: 'b7ad6b7169203331',
  name: 'chat gpt-4o-mini',
  duration_ms: 12.5,
};
const OPS = 2000;

/** Runs the scrub section: per prompt size, (a) scrub + encode, (b) encode alone, (c) scrub + encode with one bearer token inside. */
export async function scrubPath() {
  const scrubber = new Scrubber();
  const limits = { maxStringLength: 1 << 20, maxDepth: 32 };
  const out = {};
  for (const chars of [1_000, 10_000, 100_000]) {
    const ops = Math.max(50, Math.round(OPS * (1_000 / chars)));
    // A new prompt per record, as in a real run (the scrubber skips a long string it has just found clean).
    const cleans = Array.from({ length: ops }, (_, i) => ({
      ...genAiAttributes(chars, false),
      'gen_ai.conversation.id': `c${i}`,
      'gen_ai.input.messages': `${i}${genAiAttributes(chars, false)['gen_ai.input.messages']}`,
    }));
    const dirties = Array.from({ length: ops }, (_, i) => ({
      ...genAiAttributes(chars, true),
      'gen_ai.input.messages': `${i}${genAiAttributes(chars, true)['gen_ai.input.messages']}`,
    }));
    let sink = 0;
    const r = await compare([
      {
        name: 'a',
        run: () => {
          for (let i = 0; i < ops; i++) sink += encodeRecord(META, scrubber.scrub(cleans[i]), { limits }).length;
          return ops;
        },
      },
      {
        name: 'b',
        run: () => {
          for (let i = 0; i < ops; i++) sink += encodeRecord(META, cleans[i], { limits }).length;
          return ops;
        },
      },
      {
        name: 'c',
        run: () => {
          for (let i = 0; i < ops; i++) sink += encodeRecord(META, scrubber.scrub(dirties[i]), { limits }).length;
          return ops;
        },
      },
    ]);
    if (sink === 0) throw new Error('nothing encoded');
    out[chars] = r;
  }
  return out;
}
