import fc from 'fast-check';
import { LineReader, readJsonl, type ReadBatch } from '@aitrace/forest';
import { normalizeRecord } from '@aitrace/format';
import { describe, expect, it } from 'vitest';
import { expectCleanPrototypes } from './prototypes.js';
import { checkProperty, fuzzTimeout } from './fuzzSettings.js';
import { cutPoints, fileLines, isJson, splitAt, type GeneratedLine } from './recordArbitraries.js';

/** Feeds chunks to a fresh LineReader and ends it, collecting everything it reports. */
function readChunks(chunks: ReadonlyArray<string | Uint8Array>): ReadBatch {
  const reader = new LineReader();
  const all: ReadBatch = { records: [], problems: [] };
  for (const chunk of [...chunks.map((c) => reader.push(c)), reader.end()]) {
    all.records.push(...chunk.records);
    all.problems.push(...chunk.problems);
  }
  return all;
}

/** A file made of generated lines: its text, and the 1-based numbers of its record and bad lines. */
function fileOf(lines: readonly GeneratedLine[], newline: string, endsWithNewline: boolean) {
  const text = lines.map((line, i) => (i < lines.length - 1 || endsWithNewline ? `${line.text}${newline}` : line.text)).join('');
  const numbers = (kind: GeneratedLine['kind']): number[] => lines.flatMap((line, i) => (line.kind === kind ? [i + 1] : []));
  return { text, recordLines: numbers('record'), badLines: numbers('bad') };
}

/** The lines a reader must report on: every line that is not blank once a trailing `\r` is dropped. */
function nonBlankLines(text: string): number {
  return text.split('\n').filter((raw) => (raw.endsWith('\r') ? raw.slice(0, -1) : raw).trim() !== '').length;
}

describe('fuzzing the line reader', () => {
  it('delivers every record and reports every bad line with its number, however the input is chunked', { timeout: fuzzTimeout(30_000) }, () => {
    checkProperty(
      'LineReader lines and line numbers',
      fc.record({ lines: fileLines, newline: fc.constantFrom('\n', '\r\n'), endsWithNewline: fc.boolean(), asBytes: fc.boolean() }).chain((file) => {
        const { text } = fileOf(file.lines, file.newline, file.endsWithNewline);
        const length = file.asBytes ? Buffer.byteLength(text) : text.length;
        return fc.record({ file: fc.constant(file), cuts: cutPoints(length) });
      }),
      ({ file, cuts }) => {
        const { text, recordLines, badLines } = fileOf(file.lines, file.newline, file.endsWithNewline);
        // Byte chunks split UTF-8 sequences; string chunks split surrogate pairs.
        const read = readChunks(file.asBytes ? splitAt(new TextEncoder().encode(text), cuts) : splitAt(text, cuts));

        expect(read.records.map((r) => r.line)).toEqual(recordLines);
        expect(read.problems.map((p) => p.line)).toEqual(badLines);
        for (const { line, record } of read.records) {
          const expected = normalizeRecord(JSON.parse(file.lines[line - 1]!.text));
          expect(expected.ok && JSON.stringify(record) === JSON.stringify(expected.record), `line ${line}`).toBe(true);
        }
        for (const problem of read.problems) expect(problem.message).not.toBe('');
        // A last line cut off mid-record is called truncated.
        const last = file.lines[file.lines.length - 1];
        if (!file.endsWithNewline && last?.kind === 'bad' && !isJson(last.text.replace(/\r$/, ''))) {
          expect(read.problems[read.problems.length - 1]?.message).toMatch(/^truncated line/);
        }
        // Reading the whole text at once gives the same answer (bytes carry lone surrogates as U+FFFD).
        const whole = file.asBytes ? new TextDecoder().decode(new TextEncoder().encode(text)) : text;
        expect(JSON.stringify(readJsonl(whole))).toBe(JSON.stringify(read));
        expectCleanPrototypes();
      },
      300,
    );
  });

  it('never throws on arbitrary bytes in arbitrary chunks, and reports each non-blank line once, in order', { timeout: fuzzTimeout(30_000) }, () => {
    const damagedFile = fc.tuple(fileLines, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })).map(([lines, flips]) => {
      const bytes = new TextEncoder().encode(fileOf(lines, '\n', true).text);
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      return bytes;
    });
    checkProperty(
      'LineReader on arbitrary bytes',
      fc
        .oneof(fc.uint8Array({ maxLength: 4000 }), fc.uint8Array({ maxLength: 200, min: 9, max: 0x7b }), damagedFile)
        .chain((bytes) => fc.record({ bytes: fc.constant(bytes), cuts: cutPoints(bytes.length) })),
      ({ bytes, cuts }) => {
        const read = readChunks(splitAt(bytes, cuts));
        const whole = readChunks([bytes]);
        expect(JSON.stringify(read)).toBe(JSON.stringify(whole));
        const numbers = [...read.records.map((r) => r.line), ...read.problems.map((p) => p.line)].sort((a, b) => a - b);
        expect(new Set(numbers).size).toBe(numbers.length);
        const text = new TextDecoder().decode(bytes);
        expect(numbers.length).toBe(nonBlankLines(text));
        const lineCount = text.split('\n').length;
        for (const n of numbers) expect(n >= 1 && n <= lineCount).toBe(true);
        expectCleanPrototypes();
      },
      500,
    );
  });
});
