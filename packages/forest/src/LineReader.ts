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

/** Longest line `LineReader` reads by default: 64 MiB. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;

/** Options for `LineReader`. */
export interface LineReaderOptions {
  /** Number of the first line (default 1), for readers that resume in the middle of a file. */
  firstLine?: number;
  /** Called for each parsed JSON value before normalizing, e.g. to validate it. */
  onValue?: (value: unknown, line: number) => void;
  /**
   * Longest line read, in bytes (UTF-16 code units for string input; default 64 MiB). A longer line is reported as
   * a problem with its length and skipped without being held in memory.
   */
  maxLineLength?: number;
  /**
   * Read only the records of traces whose id starts with this hex prefix (any case). Whole-looking lines that do
   * not contain it are skipped unparsed, which makes picking one trace out of a large file several times faster;
   * a line that might be cut off, or that holds OTLP JSON, is still parsed, so a torn write is still reported (a
   * line that looks whole but is not valid JSON, and holds no such id, is skipped unreported).
   */
  traceIdPrefix?: string;
}

/** Finds the next match of a global regular expression in a text, reusing the last search when it still answers. */
class NextMatch {
  private text: string | undefined;
  private searchedFrom = 0;
  private found = -1;
  constructor(private readonly pattern: RegExp) {}

  /** Index of the first match at or after `from` in `text`, or -1. */
  from(text: string, from: number): number {
    // The last search found the first match after `searchedFrom`; it is also the first after any later `from` before it.
    if (text === this.text && this.searchedFrom <= from && (this.found === -1 || this.found >= from)) return this.found;
    this.text = text;
    this.searchedFrom = from;
    this.pattern.lastIndex = from;
    this.found = this.pattern.exec(text)?.index ?? -1;
    return this.found;
  }
}

/** Skips the lines of a text that cannot hold a record of the wanted traces, without slicing or parsing them. */
class TraceLineFilter {
  readonly prefix: string;
  private readonly id: NextMatch;
  // OTLP JSON may carry ids in base64, which a text search for hex cannot see: such lines are always parsed.
  private readonly otlp = new NextMatch(/"resource(?:Spans|Logs)"/g);

  constructor(prefix: string) {
    if (!/^[0-9a-f]*$/i.test(prefix)) throw new TypeError(`traceIdPrefix must be hex, got ${JSON.stringify(prefix)}`);
    this.prefix = prefix.toLowerCase();
    this.id = new NextMatch(new RegExp(prefix, 'gi'));
  }

  /** Whether `text[start, end)` is a whole-looking JSON object that holds neither the prefix nor OTLP JSON. */
  skips(text: string, start: number, end: number): boolean {
    let first = start;
    while (first < end && isSpace(text.charCodeAt(first))) first++;
    let last = end - 1;
    while (last > first && isSpace(text.charCodeAt(last))) last--;
    if (text.charCodeAt(first) !== OPEN_BRACE || text.charCodeAt(last) !== CLOSE_BRACE) return false;
    const id = this.id.from(text, start);
    if (id !== -1 && id < end) return false;
    const otlp = this.otlp.from(text, start);
    return otlp === -1 || otlp >= end;
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

const NEWLINE = 0x0a;

/** What a line's length is counted in: bytes of byte input, UTF-16 code units of text. */
type LengthUnit = 'bytes' | 'characters';

/** Joins byte pieces into one array (the piece itself when there is one). */
function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/**
 * Reads JSONL incrementally and tolerantly (aitrace records, and OTLP JSON lines as the Collector's file
 * exporter writes them, each giving its spans' and logs' records): `push` text or bytes as they arrive (chunks may split lines or
 * UTF-8 sequences); complete lines come back as records, bad lines as problems with their line numbers.
 * Work is linear in the input: an unfinished line is kept as a list of pieces and joined once, at its newline.
 * Never throws.
 */
export class LineReader {
  // The unterminated line so far: text pieces, then byte pieces (copied, decoded once at the newline), and its
  // length in input units (bytes, or code units for text).
  private heldText: string[] = [];
  private heldBytes: Uint8Array[] = [];
  private heldLength = 0;
  private heldUnit: LengthUnit = 'bytes';
  // The unterminated line is longer than the limit: its length is counted and its input dropped until its newline.
  private skipping = false;
  private nextLine: number;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly onValue: ((value: unknown, line: number) => void) | undefined;
  private readonly maxLineLength: number;
  private readonly traceFilter: TraceLineFilter | undefined;

  constructor(options: LineReaderOptions = {}) {
    this.nextLine = options.firstLine ?? 1;
    this.onValue = options.onValue;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.traceFilter = options.traceIdPrefix === undefined ? undefined : new TraceLineFilter(options.traceIdPrefix);
  }

  /** The line number the next complete line will get. */
  get lineNumber(): number {
    return this.nextLine;
  }

  /** Whether an unterminated line is being held back (or skipped as too long). */
  get hasPartialLine(): boolean {
    return this.heldLength > 0 || this.skipping;
  }

  /** Input units (bytes, or code units for text) of the unterminated line pushed so far, held or skipped. */
  get partialLineLength(): number {
    return this.heldLength;
  }

  /** Feeds more input; returns the records and problems of the lines it completed. */
  push(chunk: string | Uint8Array): ReadBatch {
    const batch: ReadBatch = { records: [], problems: [] };
    if (typeof chunk === 'string') this.pushText(chunk, batch);
    else this.pushBytes(chunk, batch);
    return batch;
  }

  private pushText(text: string, batch: ReadBatch): void {
    // Text after bytes: the bytes held so far come first in the line.
    if (this.heldBytes.length > 0) this.heldText.push(this.decoder.decode(concatBytes(this.heldBytes.splice(0))));
    const first = text.indexOf('\n');
    if (first === -1) {
      this.hold(text, text.length, 'characters');
      return;
    }
    this.completeLine(first, 'characters', batch, undefined, text.slice(0, first));
    const last = text.lastIndexOf('\n');
    for (let start = first + 1; start <= last;) {
      const newline = text.indexOf('\n', start);
      if (newline - start > this.maxLineLength) this.tooLong(newline - start, 'characters', batch);
      else this.readLineIn(text, start, newline, batch);
      start = newline + 1;
    }
    this.hold(text.slice(last + 1), text.length - last - 1, 'characters');
  }

  private pushBytes(bytes: Uint8Array, batch: ReadBatch): void {
    const first = bytes.indexOf(NEWLINE);
    if (first === -1) {
      this.hold(bytes, bytes.length, 'bytes');
      return;
    }
    this.completeLine(first, 'bytes', batch, bytes.subarray(0, first));
    const last = bytes.lastIndexOf(NEWLINE);
    if (last > first && last - first - 1 <= this.maxLineLength) {
      // No line between the first and last newline can be over the limit: decode them all in one call.
      const text = this.decoder.decode(bytes.subarray(first + 1, last));
      for (let start = 0; ;) {
        const newline = text.indexOf('\n', start);
        this.readLineIn(text, start, newline === -1 ? text.length : newline, batch);
        if (newline === -1) break;
        start = newline + 1;
      }
    } else {
      for (let start = first + 1; start <= last;) {
        const newline = bytes.indexOf(NEWLINE, start);
        if (newline - start > this.maxLineLength) this.tooLong(newline - start, 'bytes', batch);
        else this.readLine(this.decoder.decode(bytes.subarray(start, newline)), batch);
        start = newline + 1;
      }
    }
    this.hold(bytes.subarray(last + 1), bytes.length - last - 1, 'bytes');
  }

  /** Adds a piece to the unterminated line, or starts skipping the line once it is longer than the limit. */
  private hold(piece: string | Uint8Array, length: number, unit: LengthUnit): void {
    if (length === 0) return;
    this.heldLength += length;
    this.heldUnit = unit;
    if (this.skipping) return;
    if (this.heldLength > this.maxLineLength) {
      this.skipping = true;
      this.heldText = [];
      this.heldBytes = [];
    } else if (typeof piece === 'string') this.heldText.push(piece);
    // A copy (a Buffer's slice is not one): callers may reuse their buffer for the next chunk.
    else this.heldBytes.push(new Uint8Array(piece));
  }

  /** The unterminated line, joined and decoded, followed by its rest up to the newline. */
  private heldLine(restBytes?: Uint8Array, restText = ''): string {
    const bytes = restBytes === undefined ? this.heldBytes : [...this.heldBytes, restBytes];
    const decoded = bytes.length === 0 ? '' : this.decoder.decode(concatBytes(bytes));
    return (this.heldText.length === 0 ? '' : this.heldText.join('')) + decoded + restText;
  }

  /** Ends the unterminated line with its rest up to the newline (`length` units long), read if not too long. */
  private completeLine(length: number, unit: LengthUnit, batch: ReadBatch, restBytes?: Uint8Array, restText?: string): void {
    const total = this.heldLength + length;
    if (!this.skipping && total <= this.maxLineLength) this.readLine(this.heldLine(restBytes, restText), batch);
    else this.tooLong(total, unit, batch);
    this.clear();
  }

  private clear(): void {
    this.heldText = [];
    this.heldBytes = [];
    this.heldLength = 0;
    this.skipping = false;
  }

  private tooLong(length: number, unit: LengthUnit, batch: ReadBatch): void {
    const limit = this.maxLineLength.toLocaleString('en-US');
    batch.problems.push({ line: this.nextLine++, message: `line too long: ${length.toLocaleString('en-US')} ${unit} (the limit is ${limit})` });
  }

  /** Ends the input: a final line without a newline is read if complete JSON, else reported as truncated. */
  end(): ReadBatch {
    const batch: ReadBatch = { records: [], problems: [] };
    if (this.skipping) {
      this.tooLong(this.heldLength, this.heldUnit, batch);
      this.clear();
      return batch;
    }
    const rest = this.heldLine();
    this.clear();
    if (rest.trim() === '') return batch;
    const line = this.nextLine;
    const before = batch.problems.length;
    this.readLine(rest, batch);
    if (batch.problems.length > before && batch.problems[before]?.message.startsWith('invalid JSON')) {
      batch.problems[before] = { line, message: 'truncated line: the file ends in the middle of a record (was the writer killed?)' };
    }
    return batch;
  }

  /** Reads the line `text[start, end)`, or only counts it when the trace filter says it holds nothing wanted. */
  private readLineIn(text: string, start: number, end: number, batch: ReadBatch): void {
    if (this.traceFilter !== undefined && this.traceFilter.skips(text, start, end)) this.nextLine++;
    else this.readLine(text.slice(start, end), batch);
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
    if (result.ok) {
      if (this.wanted(result.record)) batch.records.push({ line, record: result.record });
    } else batch.problems.push({ line, message: result.problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
  }

  /** Whether a record belongs to the traces this reader reads. */
  private wanted(record: NormalizedRecord): boolean {
    return this.traceFilter === undefined || (record.traceId?.startsWith(this.traceFilter.prefix) ?? false);
  }

  /** Reads an OTLP JSON line (as the Collector's file exporter writes it) into its records; false when it is not one. */
  private readOtlpLine(value: unknown, line: number, batch: ReadBatch): boolean {
    const conversion = otlpJsonLineToRecords(value);
    if (conversion === undefined) return false;
    for (const record of conversion.records) if (this.wanted(record)) batch.records.push({ line, record });
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
