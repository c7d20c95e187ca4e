import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { readTrace, unendedSpans } from './traceFile.js';

const apps = fileURLToPath(new URL('./apps/', import.meta.url));

function run(
  app: string,
  args: string[],
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; ready: Promise<void> } {
  const child = spawn(process.execPath, [join(apps, app), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited, ready };
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'aitrace-proc-')), 'trace.jsonl');
}

describe('a traced process that dies', () => {
  for (const mode of ['async', 'sync']) {
    it(`keeps the start of a running span and every earlier record after SIGKILL (${mode})`, async () => {
      const file = tempFile();
      const app = run('long-span-app.mjs', [file, mode]);
      await app.ready;
      // Killed as soon as the running span's start is on disk, as an observer polling the file would see it.
      await vi.waitFor(() => expect(existsSync(file) && readFileSync(file, 'utf8')).toContain('"long.running.job.start"'), { timeout: 5000, interval: 5 });
      app.child.kill('SIGKILL');
      const { signal } = await app.exited;
      expect(signal).toBe('SIGKILL');

      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const records = readTrace(file);
      const long = records.find((r) => r.event === 'long.running.job.start');
      expect(long?.provisional).toBe(true);
      expect(long?.attrs.payload).toBe('x'.repeat(200));
      for (let i = 0; i < 50; i++) {
        expect(records.some((r) => r.event === `step.${i}.end`)).toBe(true);
      }
      expect(unendedSpans(records)).toContain(long?.spanId);
    });
  }
});

describe('a traced process that ends', () => {
  for (const how of ['normal', 'exit', 'throw', 'sigterm', 'sigterm-handled'] as const) {
    it(`writes every queued record, so every start has its end (${how})`, async () => {
      const file = tempFile();
      const app = run('sigterm-app.mjs', [file, how]);
      if (how.startsWith('sigterm')) {
        await app.ready;
        app.child.kill('SIGTERM');
      }
      const result = await app.exited;
      // Without its own handler the app still dies of the signal; with one, it decides (and here exits cleanly).
      if (how === 'sigterm') expect(result.signal).toBe('SIGTERM');
      if (how === 'throw') {
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('unhandled failure');
      }
      if (how === 'normal' || how === 'exit' || how === 'sigterm-handled') expect(result.code).toBe(0);

      // A batch still in flight when the process exits may be written twice (identical lines, which readers
      // count once, as TRACE_RECORD.md says); what matters is that none is missing and none is partial.
      const records = readTrace(file);
      const extra = how === 'sigterm-handled' ? 1 : 0;
      expect(new Set(records.filter((r) => r.type === 'span_start').map((r) => r.spanId)).size).toBe(400 + extra);
      expect(new Set(records.filter((r) => r.type === 'span_end').map((r) => r.spanId)).size).toBe(400 + extra);
      expect(unendedSpans(records)).toEqual([]);
      if (extra) expect(records.some((r) => r.event === 'shutdown.cleanup.end')).toBe(true);
    });
  }
});
