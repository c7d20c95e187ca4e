import { describe, expect, it } from 'vitest';
import { LineReader, readJsonl } from './LineReader.js';
import { logLine } from './testing/testRecords.js';

const TRACE = 'be97f2fa26196196d1c776cef223b871';

describe('LineReader', () => {
  it('reads lines split across chunks, including a UTF-8 character split between byte chunks', () => {
    const line = logLine(TRACE, 'c33604c286773277', 'grüße 👋', 1);
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
    const good = logLine(TRACE, undefined, 'ok', 1);
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
    const line = logLine(TRACE, undefined, 'later', 1);
    const reader = new LineReader();
    expect(reader.push(line.slice(0, 20)).records).toEqual([]);
    expect(reader.hasPartialLine).toBe(true);
    expect(reader.push(`${line.slice(20)}\n`).records.map((r) => r.record.event)).toEqual(['later']);
  });

  it('reads an OTLP export request line (Collector file exporter) as its records, all with that line number', () => {
    const span = { traceId: TRACE, spanId: 'b7ad6b7169203331', name: 'render', kind: 1, startTimeUnixNano: '1761480000000000000', endTimeUnixNano: '1761480000005000000', events: [{ timeUnixNano: '1761480000001000000', name: 'retry' }] };
    const otlpLine = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] }, scopeSpans: [{ spans: [span, { ...span, spanId: 'zz' }] }] }] });
    const seen: number[] = [];
    const reader = new LineReader({ onValue: (_value, line) => seen.push(line) });
    const batch = reader.push(`${logLine(TRACE, 'c33604c286773277', 'first', 1)}\n${otlpLine}\n${JSON.stringify({ resourceMetrics: [] })}\n`);
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
});
