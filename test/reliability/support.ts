import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader, type LineProblem, type LineRecord } from '@aitrace/forest';

/** True under `pnpm test:stress` (AITRACE_STRESS=1): the long versions of the reliability and security tests. */
export const STRESS = process.env.AITRACE_STRESS === '1';

/** `fast` in the normal run, `slow` under test:stress. */
export function scale<T>(fast: T, slow: T): T {
  return STRESS ? slow : fast;
}

/** The seed for random choices: AITRACE_SEED to replay a failure, else fixed in the fast run and fresh under stress. */
export const SEED = process.env.AITRACE_SEED !== undefined ? Number(process.env.AITRACE_SEED) : STRESS ? Date.now() % 2 ** 31 : 20251126;

/** A small seeded generator (mulberry32): the same seed gives the same kill points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh temp directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `aitrace-${prefix}-`));
}

/** A trace file read the way the tools read it: records, bad lines, and whether the file ends mid-line. */
export interface ReadResult {
  records: LineRecord[];
  problems: LineProblem[];
  lines: number;
  endsMidLine: boolean;
}

/** Reads a trace file with the real LineReader (in odd-sized chunks, as a tailer would get it). */
export function readTraceFile(path: string): ReadResult {
  const bytes = readFileSync(path);
  const reader = new LineReader();
  const records: LineRecord[] = [];
  const problems: LineProblem[] = [];
  for (let at = 0; at < bytes.length; at += 65_521) {
    const batch = reader.push(bytes.subarray(at, at + 65_521));
    records.push(...batch.records);
    problems.push(...batch.problems);
  }
  const endsMidLine = reader.hasPartialLine;
  const tail = reader.end();
  records.push(...tail.records);
  problems.push(...tail.problems);
  return { records, problems, lines: reader.lineNumber - 1, endsMidLine };
}

/** A child process running a script, with its exit and collected output. */
export interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node script ...args`; `ready` resolves when it prints "ready". */
export function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`${script} exited before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, ready, exited };
}

/** Prints a measured figure (for RELIABILITY.md) when AITRACE_REPORT_FIGURES=1 or under test:stress. */
export function figure(text: string): void {
  if (process.env.AITRACE_REPORT_FIGURES === '1' || STRESS) console.log(`[figure] ${text}`);
}
