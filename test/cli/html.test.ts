import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './runCli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'aitrace-html-'));

/** The JSON a written HTML trace embeds. */
function embedded(html: string): { title: string; live: boolean; records: unknown[]; problems: Array<{ line: number; message: string }> } {
  const data = /<script type="application\/json" id="aitrace-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (data === undefined) throw new Error('no embedded trace in the HTML');
  return JSON.parse(data) as ReturnType<typeof embedded>;
}

describe('aitrace html', () => {
  it('writes a self-contained HTML trace next to the file, with a CSP and every record', () => {
    const dir = tmp();
    const file = join(dir, 'lifecycle.jsonl');
    copyFileSync(fixture('v2-span-lifecycle.jsonl'), file);
    const { code, stderr } = runCli(['html', file]);
    expect(code).toBe(0);
    const output = join(dir, 'lifecycle.html');
    expect(stderr).toBe(`wrote ${output}: 1 trace, 3 spans (${Math.round(readFileSync(output).length / 1024)} KiB)\n`);
    const html = readFileSync(output, 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    const data = embedded(html);
    expect(data.title).toBe('lifecycle.jsonl');
    expect(data.records.every((value) => normalizeRecord(value).ok)).toBe(true);
    // One record per span (its end, its start merged in), every span event and log.
    const kinds = data.records.map((value) => (normalizeRecord(value) as { ok: true; record: { type: string } }).record.type).sort();
    expect(kinds).toEqual(['log', 'span_end', 'span_end', 'span_end', 'span_event']);
  });

  it('skips bad lines, naming each on stderr and in the page', () => {
    const dir = tmp();
    const file = join(dir, 'crashed.jsonl');
    copyFileSync(fixture('crashed-process.jsonl'), file);
    const { code, stderr } = runCli(['html', file, '-o', join(dir, 'out.html'), '--title', 'crash']);
    expect(code).toBe(0);
    expect(stderr).toContain(`${file}:6: truncated line`);
    expect(stderr).toMatch(/1 trace, 3 spans, 1 bad line skipped/);
    const data = embedded(readFileSync(join(dir, 'out.html'), 'utf8'));
    expect(data.problems).toEqual([{ line: 6, message: expect.stringContaining('truncated line') as string }]);
    expect(data.title).toBe('crash');
    expect(data.live).toBe(false);
    expect(embedded(runCli(['html', file, '-o', '-', '--live']).stdout).live).toBe(true);
  });

  it('keeps only the trace asked for, and writes stdin to stdout', () => {
    const input = readFileSync(fixture('out-of-order.jsonl'), 'utf8');
    const all = embedded(runCli(['html', '-'], { input }).stdout);
    const one = embedded(runCli(['html', '-', '--trace', 'BE97F2FA'], { input }).stdout);
    expect(all.title).toBe('stdin');
    const traceIds = (data: typeof all) =>
      new Set(data.records.map((value) => (normalizeRecord(value) as { ok: true; record: { traceId?: string } }).record.traceId));
    expect(traceIds(all).size).toBeGreaterThan(1);
    expect([...traceIds(one)]).toEqual(['be97f2fa26196196d1c776cef223b871']);
  });

  it('exits 1 when nothing is written, 2 on a usage error', () => {
    const dir = tmp();
    const none = runCli(['html', fixture('v2-span-lifecycle.jsonl'), '--trace', 'ffff', '-o', join(dir, 'none.html')]);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('no record of') as string });
    expect(existsSync(join(dir, 'none.html'))).toBe(false);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, 'not a record\n');
    expect(runCli(['html', empty])).toMatchObject({ code: 1, stderr: expect.stringContaining(`${empty}:1: invalid JSON`) as string });
    expect(runCli(['html', join(dir, 'missing.jsonl')])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('missing.jsonl: no such file or directory') as string,
    });
    expect(runCli(['html'])).toMatchObject({ code: 2, stderr: expect.stringContaining('html needs exactly one FILE') as string });
    expect(runCli(['html', empty, '-o', empty])).toMatchObject({ code: 2, stderr: expect.stringContaining('is the input file') as string });
    expect(runCli(['html', empty, '--colour'])).toMatchObject({ code: 2 });
    const help = runCli(['html', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: aitrace html');
    expect(help.stdout).toContain('Exit codes');
    expect(runCli(['--help']).stdout).toMatch(/html\s+write a self-contained HTML file/);
  });
});
