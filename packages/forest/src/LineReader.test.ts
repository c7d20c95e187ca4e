import { describe, expect, it, vi } from 'vitest';
import { LineReader, readJsonl } from './LineReader.js';
import { logLine, spanLines } from '@aitrace/testing';

const TRACE = 'be97f2fa26196196d1c776cef223b871';

describe('LineReader', () => {
  it('reads lines split across chunks, including a UTF-8 character split between byte chunks', () => {
    const line = logLine('grüße 👋', 1, { trace: TRACE, span: 'c33604c286773277' });
    const bytes = new TextEncoder().encode(`${line}\n${line}\r\n`);
    const reader = new LineReader();
    const records = [];
    for (let i = 0; i < bytes.length; i += 7) records.push(...reader.push(bytes.subarray(i, i + 7)).records);
    records.push(...reader.end().records);
    expect(records.map((r) => [r.line, r.record.event])).toEqual([
      [1, 'grüße 👋'],
      [2, 'grüße 👋'],
    ]);
  });

  it('reports each bad line with its number and the reason, and keeps reading', () => {
    const good = logLine('ok', 1, { trace: TRACE });
    const text = [good, '{"__tracer_meta__": {"timestamp": 5, "event": "x"}}', '[1,2]', 'not json', '', good, '{"__tracer_meta__":{"event":"cut'].join('\n');
    const { records, problems } = readJsonl(text);
    expect(records.map((r) => r.line)).toEqual([1, 6]);
    expect(problems).toEqual([
      { line: 2, message: expect.stringContaining('__tracer_meta__.timestamp: must be a string') },
      { line: 3, message: expect.stringContaining('must be a JSON object, got an array') },
      { line: 4, message: expect.stringContaining('invalid JSON') },
      { line: 7, message: expect.stringContaining('truncated line') },
    ]);
  });

  it('holds back an unterminated line while live and reads it once completed', () => {
    const line = logLine('later', 1, { trace: TRACE });
    const reader = new LineReader();
    expect(reader.push(line.slice(0, 20)).records).toEqual([]);
    expect(reader.hasPartialLine).toBe(true);
    expect(reader.push(`${line.slice(20)}\n`).records.map((r) => r.record.event)).toEqual(['later']);
  });

  it('reads a line of many chunks whole, a UTF-8 character split at every chunk boundary included', () => {
    const blob = '€'.repeat(400_000);
    const bytes = new TextEncoder().encode(`${logLine(blob, 1, { trace: TRACE })}\n${logLine('next', 2, { trace: TRACE })}\n`);
    const reader = new LineReader();
    const events: string[] = [];
    // 4,097-byte chunks cut the 3-byte euro sign over and over; the line is about 1.2 MB, some 300 chunks, each
    // read into the same Buffer, as file readers do.
    const scratch = Buffer.alloc(4097);
    for (let i = 0; i < bytes.length; i += 4097) {
      const length = Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(4097, bytes.length - i)).copy(scratch);
      for (const r of reader.push(scratch.subarray(0, length)).records) events.push(r.record.event);
    }
    expect(reader.end().problems).toEqual([]);
    expect(events).toEqual([blob, 'next']);
  });

  it('searches each input unit for a newline about once while a long line builds up, instead of the whole line per chunk', () => {
    // The work that grew with the square of the line: scanning the joined line again on every chunk.
    const searched = { units: 0 };
    const count = <T extends { length: number }>(proto: { indexOf: (this: T, ...args: never[]) => number }) => {
      const original = proto.indexOf;
      return vi.spyOn(proto as { indexOf: (this: T, ...args: never[]) => number }, 'indexOf').mockImplementation(function (this: T, ...args: never[]) {
        searched.units += this.length;
        return original.apply(this, args);
      });
    };
    const spies = [count(String.prototype), count(Uint8Array.prototype)];
    try {
      for (const input of ['bytes', 'text'] as const) {
        searched.units = 0;
        const reader = new LineReader();
        const line = `${logLine('y'.repeat(1 << 20), 1, { trace: TRACE })}\n`;
        const bytes = new TextEncoder().encode(line);
        const events = [];
        for (let i = 0; i < line.length; i += 1024) {
          const batch = reader.push(input === 'bytes' ? bytes.subarray(i, i + 1024) : line.slice(i, i + 1024));
          events.push(...batch.records.map((r) => r.record.event.length));
        }
        expect(events).toEqual([1 << 20]);
        expect(searched.units, input).toBeLessThan(3 * line.length);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('reads an OTLP export request line (Collector file exporter) as its records, all with that line number', () => {
    const span = {
      traceId: TRACE,
      spanId: 'b7ad6b7169203331',
      name: 'render',
      kind: 1,
      startTimeUnixNano: '1761480000000000000',
      endTimeUnixNano: '1761480000005000000',
      events: [{ timeUnixNano: '1761480000001000000', name: 'retry' }],
    };
    const otlpLine = JSON.stringify({
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] }, scopeSpans: [{ spans: [span, { ...span, spanId: 'zz' }] }] },
      ],
    });
    const seen: number[] = [];
    const reader = new LineReader({ onValue: (_value, line) => seen.push(line) });
    const batch = reader.push(`${logLine('first', 1, { trace: TRACE, span: 'c33604c286773277' })}\n${otlpLine}\n${JSON.stringify({ resourceMetrics: [] })}\n`);
    expect(batch.records.map(({ line, record }) => `${line}:${record.type}:${record.event}:${record.service ?? ''}`)).toEqual([
      '1:log:first:',
      '2:span_start:render.start:billing',
      '2:span_event:retry:billing',
      '2:span_end:render.end:billing',
    ]);
    expect(batch.problems).toEqual([
      { line: 2, message: 'OTLP request: 1 span(s) left out: span "render": spanId "zz" is not 8 bytes in hex or base64' },
      { line: 3, message: 'an OTLP metrics request: aitrace reads traces and logs only, so it was skipped' },
    ]);
    // onValue sees aitrace record values only (validate checks those against TRACE_RECORD.md).
    expect(seen).toEqual([1]);
  });

  describe('with traceIdPrefix', () => {
    const wanted = 'ab12cd34ef5600000000000000000001';
    const other = 'ab12cd34ef5600000000000000000002';
    // The wanted trace in base64, as a generic protobuf-JSON writer sends ids in OTLP JSON.
    const base64Id = Buffer.from(wanted, 'hex').toString('base64');
    const otlpLine = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: base64Id,
                  spanId: 'AAAAAAAAAAE=',
                  name: 'otlp-span',
                  startTimeUnixNano: '1761480000000000000',
                  endTimeUnixNano: '1761480000005000000',
                },
              ],
            },
          ],
        },
      ],
    });
    const lines = [
      ...spanLines({ trace: wanted, span: '00000000000000a1', name: 'root', startMs: 0, endMs: 10 }),
      ...spanLines({ trace: other, span: '00000000000000b1', name: 'elsewhere', startMs: 0, endMs: 10 }),
      logLine('no trace', 1),
      // Upper-case ids are read as lower case, so they belong to the trace too.
      logLine('upper', 2, { trace: wanted.toUpperCase(), span: '00000000000000A1' }),
      otlpLine,
      logLine('other log', 3, { trace: other }),
      // A torn write (the writer was killed mid-line) is reported even though it holds no wanted record.
      logLine('torn', 4, { trace: other }).slice(0, 40),
      logLine('after the torn line', 5, { trace: wanted }),
    ];
    const text = `${lines.join('\n')}\n`;

    it('returns what a full read returns for those traces, line numbers and problems of cut lines included, however chunked', () => {
      const full = readJsonl(text);
      for (const prefix of [wanted, wanted.slice(0, 6), 'AB12CD34EF5600000000000000000001', other]) {
        const expected = full.records
          .filter(({ record }) => record.traceId?.startsWith(prefix.toLowerCase()))
          .map(({ line, record }) => `${line}:${record.event}`);
        expect(expected.length).toBeGreaterThan(prefix === other ? 2 : 5);
        const bytes = new TextEncoder().encode(text);
        for (let size = 7; size <= text.length + 1; size += size < 200 ? 61 : 397) {
          for (const input of ['bytes', 'text'] as const) {
            const reader = new LineReader({ traceIdPrefix: prefix });
            const got: string[] = [];
            const problems: number[] = [];
            for (let i = 0; i < text.length; i += size) {
              const batch = reader.push(input === 'bytes' ? bytes.subarray(i, i + size) : text.slice(i, i + size));
              got.push(...batch.records.map(({ line, record }) => `${line}:${record.event}`));
              problems.push(...batch.problems.map((problem) => problem.line));
            }
            problems.push(...reader.end().problems.map((problem) => problem.line));
            expect(got, `${prefix} in ${input} chunks of ${size}`).toEqual(expected);
            expect(problems, `${prefix} in ${input} chunks of ${size}`).toEqual([lines.length - 1]);
          }
        }
      }
    });

    it('refuses a prefix that is not hex', () => {
      expect(() => new LineReader({ traceIdPrefix: 'a.*' })).toThrow(/traceIdPrefix must be hex, got "a\.\*"/);
    });
  });

  describe('a line longer than maxLineLength', () => {
    const long = logLine('x'.repeat(300), 1, { trace: TRACE });
    const lines = [logLine('before', 1, { trace: TRACE }), long, logLine('after', 2, { trace: TRACE }), long, '', logLine('last', 3, { trace: TRACE })];
    const text = `${lines.join('\n')}\n`;
    const expectedProblem = (line: number, unit: string) => ({ line, message: `line too long: ${long.length} ${unit} (the limit is 200)` });

    it('is reported with its line number and length, and the lines after it are read, however the input is chunked', () => {
      const bytes = new TextEncoder().encode(text);
      for (const input of ['bytes', 'text'] as const) {
        for (let size = 1; size <= text.length + 1; size += size < 40 ? 1 : 37) {
          const reader = new LineReader({ maxLineLength: 200 });
          const read = { events: [] as [number, string][], problems: [] as { line: number; message: string }[] };
          for (let i = 0; i <= text.length; i += size) {
            const batch = reader.push(input === 'bytes' ? bytes.subarray(i, i + size) : text.slice(i, i + size));
            read.events.push(...batch.records.map((r): [number, string] => [r.line, r.record.event]));
            read.problems.push(...batch.problems);
          }
          read.problems.push(...reader.end().problems);
          const unit = input === 'bytes' ? 'bytes' : 'characters';
          expect(read, `${input} in chunks of ${size}`).toEqual({
            events: [
              [1, 'before'],
              [3, 'after'],
              [6, 'last'],
            ],
            problems: [expectedProblem(2, unit), expectedProblem(4, unit)],
          });
        }
      }
    });

    it('is skipped while it streams in, without holding it, and reported at the end of the input if unterminated', () => {
      const reader = new LineReader({ maxLineLength: 1000 });
      const chunk = new Uint8Array(4096).fill(0x78);
      for (let i = 0; i < 1000; i++) expect(reader.push(chunk)).toEqual({ records: [], problems: [] });
      expect(reader.hasPartialLine).toBe(true);
      expect(reader.partialLineLength).toBe(4_096_000);
      expect(reader.end().problems).toEqual([{ line: 1, message: 'line too long: 4,096,000 bytes (the limit is 1,000)' }]);
      expect(reader.hasPartialLine).toBe(false);
    });

    it('does not let a UTF-8 sequence cut at its end spill into the next line', () => {
      const reader = new LineReader({ maxLineLength: 200 });
      const next = new TextEncoder().encode(`\n${logLine('ünext', 1, { trace: TRACE })}\n`);
      const euro = new TextEncoder().encode('€');
      const start = new Uint8Array(152).fill(0x78);
      start.set(euro.subarray(0, 2), 150);
      // Held (and partly decoded) while under the limit, then over it.
      const batches = [reader.push(start), reader.push(new Uint8Array(100).fill(0x78)), reader.push(next)];
      expect(batches.flatMap((b) => b.records.map((r) => r.record.event))).toEqual(['ünext']);
      expect(batches.flatMap((b) => b.problems.map((p) => p.line))).toEqual([1]);
    });
  });
});
