import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonl, spanLines } from '@aitrace/testing';
import { startCli } from './runCli.js';

const WRITER = fileURLToPath(new URL('./apps/rotating-writer.mjs', import.meta.url));

/** A whole span (start and end) named `name`, as one file's text. */
function spanRecord(name: string): string {
  return jsonl(spanLines({ trace: 'f'.repeat(32), span: 'e'.repeat(16), name, startMs: 0, endMs: 1 }));
}

/** Runs the rotating writer to its end; resolves with its stdout. */
function runWriter(file: string, spans: number, maxFileSize: number, maxFiles: number): Promise<string> {
  const child = spawn(process.execPath, [WRITER, file, String(spans), String(maxFileSize), String(maxFiles)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`writer exited with ${code}`)))));
}

/** The span ends `tail` printed, by item number, in the order printed. */
const endsShown = (output: string): number[] => [...output.matchAll(/^end\s+\S+ item\.(\d+) /gm)].map((match) => Number(match[1]));

describe('aitrace tail -f across fast rotation', () => {
  const running: ReturnType<typeof startCli>[] = [];
  afterEach(() => {
    for (const cli of running.splice(0)) cli.child.kill();
  });

  /** Starts `tail -f` (reading every 250 ms) on a file, then a writer filling 4 KB files in a few ms each; waits for the last span's end. */
  async function tailWhileRotating(spans: number, maxFiles: number) {
    const dir = mkdtempSync(join(tmpdir(), 'aitrace-tail-rotation-'));
    const file = join(dir, 'trace.jsonl');
    writeFileSync(file, spanRecord('ready'));
    const cli = startCli(['tail', '-f', '--interval', '250', file]);
    running.push(cli);
    // The writer starts once tail has the file open, so every rotation happens under it.
    await cli.waitFor(/^end\s+\S+ ready /m);
    expect(await runWriter(file, spans, 4096, maxFiles)).toBe(`done ${spans}\n`);
    const rotated = readdirSync(dir).filter((name) => /^trace\.\d+\.jsonl$/.test(name)).length;
    const deadline = Date.now() + 20_000;
    while (!endsShown(cli.output()).includes(spans - 1) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return { cli, ends: endsShown(cli.output()), rotated };
  }

  it('shows every span end, in order, when a real writer rotates many times between two reads', async () => {
    const spans = 1500;
    const { cli, ends, rotated } = await tailWhileRotating(spans, 500);
    expect(rotated).toBeGreaterThan(100);
    expect(ends).toEqual(Array.from({ length: spans }, (_, i) => i));
    expect(cli.output()).toMatch(/-- .*trace\.jsonl was rotated; reading .*trace\.\d+\.jsonl, written since/);
    expect(cli.errors()).toBe('');
  });

  it('says on stderr that records may be missing when the writer deletes rotated files it had not read', async () => {
    const spans = 600;
    // Two rotated files kept: most of what is written between two reads is deleted before the next one.
    const { cli, ends } = await tailWhileRotating(spans, 2);
    expect(ends).toContain(spans - 1);
    expect(ends.length).toBeLessThan(spans);
    // No order check here: with files deleted unread, a name can change files while it is being looked at.
    const warning =
      /trace\.jsonl: the file was rotated faster than it was read, past the oldest rotated file kept \(.*trace\.2\.jsonl\); records written before that one may be missing\n/;
    // stderr is its own pipe: the warning can arrive after the last end did on stdout.
    const deadline = Date.now() + 10_000;
    while (!warning.test(cli.errors()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cli.errors()).toMatch(warning);
  });
});
