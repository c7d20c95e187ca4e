import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord, formatEpochMillis } from '@aitrace/format';
import { runCli, startCli } from './runCli.js';

// What a hostile trace carries: clear screen, BEL, an OSC 0 window title, an OSC 8 hyperlink, an 8-bit CSI, a bidi override.
const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;owned\x07';
const LINK = '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\';
const HOSTILE = `${CLEAR}${TITLE}${LINK}\u009b2J\u202e`;
const TRACE = `be97f2fa26196196d1c776cef223b871${CLEAR}`;
// Any character a terminal acts on, except newline and tab.
const CONTROLS = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';
const RAW_CONTROL = new RegExp(`[${CONTROLS}]`);
// The CLI's own colours, as createStyle writes them.
const ESC = '\\u001b';
const OWN_COLOURS = new RegExp(`${ESC}\\[(?:1|2|22|31|32|33|36|39)m`, 'g');

function hostileTrace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-terminal-'));
  const file = join(dir, 'hostile.jsonl');
  const at = formatEpochMillis(Date.parse('2025-10-26T12:00:00Z'));
  const span = { trace_id: TRACE, name: `job${HOSTILE}`, service: `svc${TITLE}`, kind: 'internal' as const };
  const attrs = { [`key${CLEAR}`]: `value${HOSTILE}`, 'error.message': `multi\nline${LINK}` };
  const lines = [
    encodeRecord({ timestamp: at, event: `job${HOSTILE}.start`, type: 'span_start', span_id: 'a1a1a1a1a1a1a1a1', provisional: true, ...span }, attrs),
    encodeRecord({ timestamp: at, event: `step${TITLE}`, type: 'log', level: 'warn', trace_id: TRACE, span_id: 'a1a1a1a1a1a1a1a1' }, attrs),
    encodeRecord(
      { timestamp: at, event: `boom${CLEAR}`, type: 'span_event', trace_id: TRACE, span_id: 'a1a1a1a1a1a1a1a1' },
      { 'exception.type': `Err${TITLE}`, 'exception.message': `bad${LINK}` },
    ),
    encodeRecord(
      {
        timestamp: at,
        event: `job${HOSTILE}.end`,
        type: 'span_end',
        span_id: 'a1a1a1a1a1a1a1a1',
        status: 'error',
        status_message: `failed${HOSTILE}\nfake line`,
        duration_ms: 5,
        ...span,
      },
      attrs,
    ),
    encodeRecord(
      {
        timestamp: at,
        event: `orphan${CLEAR}.end`,
        type: 'span_end',
        span_id: 'b1b1b1b1b1b1b1b1',
        parent_span_id: `ffff${TITLE}`,
        status: 'ok',
        duration_ms: 1,
        ...span,
      },
      attrs,
    ),
    `not json ${HOSTILE}`,
    `{"__tracer_meta__":{"format_version":2,"timestamp":"${at}","event":"x","type":"log","level":"loud\\u001b]0;t\\u0007"}}`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The output with the CLI's own colour codes taken out, so only what came from the trace is left to check. */
function traceText(output: string): string {
  return output.replace(OWN_COLOURS, '');
}

describe('text from a trace never reaches the terminal as control characters', () => {
  const file = hostileTrace();

  it.each([
    ['tree', ['tree', file]],
    ['tree --depth 0', ['tree', '--depth', '0', file]],
    ['tail', ['tail', file]],
    ['stats', ['stats', file]],
    ['validate', ['validate', file]],
    ['migrate', ['migrate', file, join(mkdtempSync(join(tmpdir(), 'aitrace-terminal-')), 'out.jsonl')]],
  ])('%s, piped and with colours forced', (_name, args) => {
    const piped = runCli(args);
    expect(piped.stdout.length + piped.stderr.length).toBeGreaterThan(0);
    expect(piped.stdout).not.toMatch(RAW_CONTROL);
    expect(piped.stderr).not.toMatch(RAW_CONTROL);
    // The escaped text is still there to read.
    expect(`${piped.stdout}${piped.stderr}`).toContain('\\u001b');
    const coloured = runCli(args, { env: { FORCE_COLOR: '1' } });
    expect(traceText(coloured.stdout)).not.toMatch(RAW_CONTROL);
    expect(traceText(coloured.stderr)).not.toMatch(RAW_CONTROL);
  });

  it('keeps the colours of the CLI itself on a terminal', () => {
    expect(runCli(['tree', file], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\x1b[31m✗\x1b[39m');
  });

  it('prints the exact text in --json output, as JSON escapes that parse back to it', () => {
    for (const command of ['tree', 'stats', 'validate']) {
      const { stdout } = runCli([command, '--json', file]);
      expect(stdout).not.toMatch(RAW_CONTROL);
      expect(stdout).toContain(JSON.stringify(`job${HOSTILE}`).slice(1, -1).replace('\u009b', '\\u009b').replace('\u202e', '\\u202e'));
    }
    const tree = JSON.parse(runCli(['tree', '--json', file]).stdout) as { traces: { trace_id: string; services: string[]; roots: { name: string }[] }[] };
    expect(tree.traces[0]).toMatchObject({ trace_id: TRACE.toLowerCase(), services: [`svc${TITLE}`] });
    expect(tree.traces[0]!.roots.map((root) => root.name)).toContain(`job${HOSTILE}`);
  });

  it('tail -f, piped: start, end, log and event lines', async () => {
    const cli = startCli(['tail', '-f', '--interval', '20', file]);
    try {
      await cli.waitFor(/^end .*job.*$/m);
      await cli.waitFor(/^log .*step/m);
      await cli.waitFor(/^event .*boom/m);
      expect(cli.output()).not.toMatch(RAW_CONTROL);
      expect(cli.errors()).not.toMatch(RAW_CONTROL);
      expect(cli.errors()).toMatch(/hostile\.jsonl:6: /);
    } finally {
      cli.child.kill();
      await cli.exited;
    }
  });

  it('serve --watch: the problem lines of bad lines in a watched file', async () => {
    const cli = startCli(['serve', '--port', '0', '--db', ':memory:', '--watch', file]);
    try {
      await cli.waitFor(/listening on/);
      const deadline = Date.now() + 10_000;
      while (!/hostile\.jsonl:6: /.test(cli.errors()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(cli.errors()).toMatch(/hostile\.jsonl:6: invalid JSON: .*\\u001b.*\(line skipped\)/);
      expect(cli.errors()).not.toMatch(RAW_CONTROL);
      expect(cli.output()).not.toMatch(RAW_CONTROL);
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });
});
