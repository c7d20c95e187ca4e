import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpanForest, walkSpans, type SpanNode } from '@aitrace/forest';
import { describe, expect, it } from 'vitest';
import { figure, readTraceFile, runNode, scale, SEED, seededRandom, tempDir } from './support.js';

const app = fileURLToPath(new URL('./apps/crash-writer.mjs', import.meta.url));
const DEATHS = ['sigkill', 'sigterm', 'sigint', 'throw', 'reject', 'exit'] as const;
type Death = (typeof DEATHS)[number];
const ROUNDS = scale(1, 8);

/** What the ledger says the app handed over (`accepted`) and what a forceFlush confirmed on disk (`flushed`). */
function readLedger(path: string): { accepted: number; flushed: number } {
  let accepted = 0;
  let flushed = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [tag, value] = line.split(' ');
    if (tag === 'a') accepted = Math.max(accepted, Number(value) + 1);
    if (tag === 'f') flushed = Math.max(flushed, Number(value));
  }
  return { accepted, flushed };
}

async function runOnce(mode: 'sync' | 'async', death: Death, random: () => number) {
  const dir = tempDir('crash');
  const file = join(dir, 'trace.jsonl');
  const ledger = join(dir, 'ledger.txt');
  const dieAfter = 200 + Math.floor(random() * 3000);
  const child = runNode(app, [file, ledger, mode, death, String(dieAfter)]);
  if (death.startsWith('sig')) {
    await child.ready;
    await new Promise((resolve) => setTimeout(resolve, 30 + random() * 250));
    child.child.kill(death.toUpperCase() as NodeJS.Signals);
  }
  const exit = await child.exited;
  return { file, ledger: readLedger(ledger), exit, dieAfter };
}

describe('crash matrix: a writer that dies with spans and logs in flight', () => {
  for (const mode of ['sync', 'async'] as const) {
    for (const death of DEATHS) {
      it(`${mode} mode, ${death}: keeps what the guarantee covers, whole lines only, cut-off spans marked`, { timeout: scale(30_000, 600_000) }, async () => {
        const random = seededRandom(SEED + DEATHS.indexOf(death) * 7 + (mode === 'sync' ? 1 : 0));
        for (let round = 0; round < ROUNDS; round++) {
          const { file, ledger, exit, dieAfter } = await runOnce(mode, death, random);
          const context = `seed ${SEED}, round ${round}, ${mode}/${death}, ledger ${JSON.stringify(ledger)}, exit ${exit.code}/${exit.signal}, stderr ${exit.stderr.slice(0, 400)}`;

          // The death happened the way it was meant to.
          if (death.startsWith('sig')) expect(exit.signal, context).toBe(death.toUpperCase());
          if (death === 'throw' || death === 'reject') {
            expect(exit.code, context).toBe(1);
            expect(exit.stderr, context).toContain(death === 'throw' ? 'uncaught exception' : 'unhandled rejection');
          }
          if (death === 'exit') expect(exit.code, context).toBe(3);
          if (!death.startsWith('sig')) expect(ledger.accepted, context).toBe(dieAfter);

          // Every line is one complete record: no partial line, nothing interleaved. The one exception is a SIGKILL
          // that lands inside a write of more than a page: Linux stops such a write at a page boundary when a fatal
          // signal arrives, so the file may end in a cut line, which readers report as truncated (TRACE_RECORD.md).
          const read = readTraceFile(file);
          const cutLast =
            mode === 'async' &&
            death === 'sigkill' &&
            read.endsMidLine &&
            read.problems.length === 1 &&
            /truncated/.test(read.problems[0]!.message) &&
            read.problems[0]!.line === read.lines;
          if (!cutLast) {
            expect(read.problems, `${context}, ${JSON.stringify(read.problems.slice(0, 3))}`).toEqual([]);
            expect(read.endsMidLine, context).toBe(false);
          }

          const starts = new Set<number>();
          const ends = new Set<number>();
          const logs = new Set<number>();
          for (const { record } of read.records) {
            const k = record.attrs.k as number;
            if (record.type === 'span_start') starts.add(k);
            else if (record.type === 'span_end') ends.add(k);
            else if (record.type === 'log') logs.add(k);
          }
          // Covered: everything accepted (sync mode, and every death that runs exit hooks); after SIGKILL in
          // async mode, everything a forceFlush confirmed before the kill.
          const covered = mode === 'async' && death === 'sigkill' ? ledger.flushed : ledger.accepted;
          expect(covered, context).toBeGreaterThan(0);
          expect(starts.has(-1), context).toBe(true);
          for (let k = 0; k < covered; k++) {
            if (!starts.has(k) || !logs.has(k)) expect.fail(`operation ${k} of ${covered} covered is missing (${context})`);
            // Operation k ended span k - 3 before it was noted as accepted.
            if (k >= 3 && !ends.has(k - 3)) expect.fail(`the end of span ${k - 3} is missing (${context})`);
          }
          // Records are written in order: what is there is a prefix of what was accepted, with no gaps.
          expect(Math.max(...starts) + 1, context).toBe(starts.size - 1);
          expect(starts.size - 1, context).toBeLessThanOrEqual(ledger.accepted + 1);

          // A reader that knows the file has ended shows every span without an end as cut off, never running.
          const forest = buildSpanForest(read.records, { ended: true });
          expect(forest.traces, context).toHaveLength(1);
          const spans: SpanNode[] = [];
          walkSpans(forest.traces[0]!.roots, (node) => spans.push(node));
          expect(spans.length, context).toBe(starts.size);
          expect(
            spans.filter((s) => s.state === 'running'),
            context,
          ).toEqual([]);
          const cutOff = spans.filter((s) => s.state === 'cut_off').map((s) => s.attrs.k);
          expect(cutOff, context).toContain(-1);
          expect(cutOff.length, context).toBe(starts.size - ends.size);
          expect(forest.traces[0]!.cutOffCount, context).toBe(cutOff.length);
          {
            figure(
              `${mode}/${death}: accepted ${ledger.accepted}, covered ${covered}, written ${starts.size - 1}, lost ${ledger.accepted - (starts.size - 1)}, lines ${read.lines}`,
            );
          }
        }
      });
    }
  }
});
