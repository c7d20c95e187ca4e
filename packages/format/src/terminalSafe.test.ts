import { describe, expect, it } from 'vitest';
import { terminalJson, terminalSafe } from './terminalSafe.js';

// Every character a terminal must not receive raw from a trace.
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, code) => code).filter((code) => code !== 0x09),
  ...Array.from({ length: 0x21 }, (_, index) => 0x7f + index),
  0x061c,
  0x200e,
  0x200f,
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((code) => String.fromCharCode(code));

describe('terminalSafe', () => {
  it('shows ESC, BEL, OSC titles and hyperlinks as visible escapes', () => {
    expect(terminalSafe('a\x1b[2Jb')).toBe('a\\u001b[2Jb');
    expect(terminalSafe('\x1b]0;pwned\x07')).toBe('\\u001b]0;pwned\\u0007');
    expect(terminalSafe('\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\')).toBe('\\u001b]8;;https://evil.example\\u001b\\click\\u001b]8;;\\u001b\\');
    expect(terminalSafe('fake\nend  line\r')).toBe('fake\\u000aend  line\\u000d');
    expect(terminalSafe('\u009b2J \u202etxt.exe')).toBe('\\u009b2J \\u202etxt.exe');
  });

  it('replaces every C0 and C1 control but tab, DEL, separators and bidi controls, and nothing else', () => {
    for (const character of UNSAFE) expect(terminalSafe(`x${character}y`)).toMatch(/^x\\u[0-9a-f]{4}y$/);
    const kept = 'tab\there, ünïcödé, 日本語, emoji 🙂, arrows → ←, zero\u200bwidth';
    expect(terminalSafe(kept)).toBe(kept);
  });

  it('returns the same string when nothing needs replacing', () => {
    const text = 'GET /users/:id'.repeat(1000);
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('terminalJson', () => {
  it('escapes what terminalSafe replaces and parses back to the same value', () => {
    const value = { name: `all${UNSAFE.join('')}end`, nested: ['\x1b]0;title\x07', '\u202e'] };
    const json = terminalJson(value, 2);
    expect(JSON.parse(json)).toEqual(value);
    expect(json.replace(/\n/g, '')).toBe(terminalSafe(json.replace(/\n/g, '')));
    expect(json.split('\n').length).toBeGreaterThan(1);
  });
});
