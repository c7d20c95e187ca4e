import { normalizeRecord, otlpJsonLineToRecords, type NormalizedRecord } from '@aitrace/format';

/** A record read from a line, with its 1-based line number. */
export interface LineRecord {
  line: number;
  record: NormalizedRecord;
}

/** A line that could not be read as a record, and why. */
export interface LineProblem {
  line: number;
  message: string;
}

/** What one call to `push` or `end` produced. */
export interface ReadBatch {
  records: LineRecord[];
  problems: LineProblem[];
}

/** Options for `LineReader`. */
export interface LineReaderOptions {
  /** Number of the first line (default 1), for readers that resume in the middle of a file. */
  firstLine?: number;
  /** Called for each parsed JSON value before normalizing, e.g. to validate it. */
  onValue?: (value: unknown, line: number) => void;
}

/**
 * Reads JSONL incrementally and tolerantly (aitrace records, and OTLP JSON lines as the Collector's file
 * exporter writes them, each giving its spans' and logs' records): `push` text or bytes as they arrive (chunks may split lines or
 * UTF-8 sequences); complete lines come back as records, bad lines as problems with their line numbers.
 * Never throws.
 */
export class LineReader {
  private buffered = '';
  private nextLine: number;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly onValue: ((value: unknown, line: number) => void) | undefined;

  constructor(options: LineReaderOptions = {}) {
    this.nextLine = options.firstLine ?? 1;
    this.onValue = options.onValue;
  }

  /** The line number the next complete line will get. */
  get lineNumber(): number {
    return this.nextLine;
  }

  /** Whether an unterminated line is being held back. */
  get hasPartialLine(): boolean {
    return this.buffered !== '';
  }

  /** Feeds more input; returns the records and problems of the lines it completed. */
  push(chunk: string | Uint8Array): ReadBatch {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const batch: ReadBatch = { records: [], problems: [] };
    let start = 0;
    const data = this.buffered === '' ? text : this.buffered + text;
    for (let newline = data.indexOf('\n'); newline !== -1; newline = data.indexOf('\n', start)) {
      this.readLine(data.slice(start, newline), batch);
      start = newline + 1;
    }
    this.buffered = data.slice(start);
    return batch;
  }

  /** Ends the input: a final line without a newline is read if complete JSON, else reported as truncated. */
  end(): ReadBatch {
    const batch: ReadBatch = { records: [], problems: [] };
    const rest = this.buffered + this.decoder.decode();
    this.buffered = '';
    if (rest.trim() === '') return batch;
    const line = this.nextLine;
    const before = batch.problems.length;
    this.readLine(rest, batch);
    if (batch.problems.length > before && batch.problems[before]?.message.startsWith('invalid JSON')) {
      batch.problems[before] = { line, message: 'truncated line: the file ends in the middle of a record (was the writer killed?)' };
    }
    return batch;
  }

  private readLine(raw: string, batch: ReadBatch): void {
    const line = this.nextLine++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // A blank line (only whitespace) is skipped, not a problem; checked here, off the common path.
      if (text.trim() !== '') batch.problems.push({ line, message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    if (this.readOtlpLine(value, line, batch)) return;
    this.onValue?.(value, line);
    const result = normalizeRecord(value);
    if (result.ok) batch.records.push({ line, record: result.record });
    else batch.problems.push({ line, message: result.problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
  }

  /** Reads an OTLP JSON line (as the Collector's file exporter writes it) into its records; false when it is not one. */
  private readOtlpLine(value: unknown, line: number, batch: ReadBatch): boolean {
    const conversion = otlpJsonLineToRecords(value);
    if (conversion === undefined) return false;
    for (const record of conversion.records) batch.records.push({ line, record });
    if (conversion.problem !== undefined) batch.problems.push({ line, message: conversion.problem });
    return true;
  }
}

/** Reads a whole JSONL text at once. */
export function readJsonl(text: string): ReadBatch {
  const reader = new LineReader();
  const batch = reader.push(text);
  const tail = reader.end();
  return { records: batch.records.concat(tail.records), problems: batch.problems.concat(tail.problems) };
}
